package dev.livesync.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.FreePort;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Sshd;
import dev.livesync.testing.TempFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real browser (Debian's chromium and chromium-driver, driven by Selenium):
 * the target's state and lag as rendered, after a write and after the target goes down; a target's
 * warning. Screenshots
 * go to target/status-page-*.png.
 */
class StatusPageBrowserTest {
  private final Path dir = TempFiles.dir("status-page");

  @AfterEach
  void cleanUp() {
    TempFiles.deleteTree(dir);
  }

  static ChromeDriver chromium(Path profile) {
    var service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    var options = new ChromeOptions().setBinary("/usr/bin/chromium")
        .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1300,1000", "--user-data-dir=" + profile);
    return new ChromeDriver(service, options);
  }

  /** Waits for {@code condition}; a timeout says what the page showed (its text, and the red bar if livesync did not answer). */
  private static <T> T await(WebDriver driver, Duration timeout, String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(200))
        .withMessage(() -> what + "; the page showed:\n" + driver.findElement(By.tagName("body")).getText())
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }

  /** Reads the page; the page rebuilds itself every second, so a read that meets a replaced element is done again. */
  private static <T> T read(WebDriver d, Function<WebDriver, T> f) {
    return await(d, Duration.ofSeconds(10), "reading the page", f);
  }

  private static WebElement target(WebDriver d, String url) {
    return d.findElement(By.cssSelector(".target[data-target='" + url + "']"));
  }

  private static String state(WebDriver d, String url) {
    return target(d, url).findElement(By.cssSelector(".state")).getAttribute("data-state");
  }

  private static long ms(WebDriver d, String url, String cls) {
    return Long.parseLong(target(d, url).findElement(By.cssSelector("." + cls)).getAttribute("data-ms"));
  }

  private static void screenshot(ChromeDriver d, String name) throws Exception {
    Path out = Path.of(System.getProperty("livesync.home", ".")).resolve("target").resolve("status-page-" + name + ".png");
    Files.createDirectories(out.getParent());
    Files.copy(d.getScreenshotAs(OutputType.FILE).toPath(), out, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void showsEachTargetsStateAndLagAndFollowsAWriteAndAnOutage() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path dst = Files.createDirectories(dir.resolve("dst"));
    Path local = dir.resolve("local-copy");
    int port = FreePort.find();
    ChromeDriver driver = null;
    try (var daemon = RsyncDaemon.builder(dst).module("nfsbackup").auth("rsync_backup", "s3cret-pass").start();
        var run = LivesyncProcess.start(List.of("run", src.toString(), daemon.url(), local.toString(), "--password-file",
            daemon.passwordFile().toString(), "--state-dir", dir.resolve("state").toString(), "--status-socket", dir.resolve("status.sock").toString(),
            "--http", "127.0.0.1:" + port, "--retry-initial", "200ms", "--retry-max", "1s"))) {
      run.awaitOutput("running:", Duration.ofSeconds(60));
      String daemonUrl = daemon.url();
      driver = chromium(dir.resolve("chromium-profile"));
      driver.get("http://127.0.0.1:" + port + "/");
      ChromeDriver d = driver;

      // both targets rendered, up, caught up
      await(d, Duration.ofSeconds(60), "both targets up", w -> state(w, daemonUrl).equals("up") && state(w, local.toString()).equals("up"));
      assertThat(read(d, w -> (Long) ms(w, daemonUrl, "lag-now")).longValue()).isZero();
      String watches = read(d, w -> w.findElement(By.cssSelector(".sync[data-sync] .watches")).getText());
      assertThat(watches).startsWith("watches 1 of ");

      // a write: it arrives, and the last minute's lag percentiles show it
      long p99Before = read(d, w -> (Long) ms(w, daemonUrl, "lag-p99"));
      Files.writeString(src.resolve("report.txt"), "quarterly figures\n");
      await(d, Duration.ofSeconds(30), "the write's lag shown",
          w -> ms(w, daemonUrl, "lag-p50") >= 0 && target(w, daemonUrl).getText().contains("1 file, "));
      long p99 = read(d, w -> (Long) ms(w, daemonUrl, "lag-p99"));
      assertThat(p99).isGreaterThanOrEqualTo(0).isLessThan(30_000);
      assertThat(p99Before).isNotEqualTo(-2); // read before the write (may be -1: nothing delivered yet in the last minute)
      screenshot(d, "up");

      // the daemon goes down and a change waits: retrying, its lag grows, the error in words
      daemon.stop();
      Files.writeString(src.resolve("late.txt"), "written while the backup host is down\n");
      await(d, Duration.ofSeconds(60), "the daemon target retrying", w -> state(w, daemonUrl).equals("retrying"));
      long lag1 = await(d, Duration.ofSeconds(30), "a lag above 1 s", w -> ms(w, daemonUrl, "lag-now") > 1000 ? ms(w, daemonUrl, "lag-now") : null);
      long lag2 = await(d, Duration.ofSeconds(30), "the lag growing", w -> ms(w, daemonUrl, "lag-now") > lag1 + 1000 ? ms(w, daemonUrl, "lag-now") : null);
      assertThat(lag2).isGreaterThan(lag1);
      String other = read(d, w -> state(w, local.toString()));
      assertThat(other).isEqualTo("up"); // the other target is not held up
      String error = await(d, Duration.ofSeconds(30), "the last error shown",
          w -> target(w, daemonUrl).findElements(By.cssSelector(".last-error")).stream().map(WebElement::getText).findFirst().orElse(null));
      assertThat(error).containsPattern("rsync exit (10: error in socket I/O|35: timeout waiting for daemon connection)");
      // the process runs, but the backup does not get the changes: the title says so, not just "running"
      String failingTitle = read(d, w -> w.findElement(By.id("title")).getText());
      assertThat(failingTitle).isEqualTo("livesync — running · a target is failing");
      assertThat(d.getTitle()).startsWith("FAILING");
      screenshot(d, "down");

      // back: up again, caught up
      daemon.start();
      await(d, Duration.ofSeconds(60), "the daemon target up and caught up", w -> state(w, daemonUrl).equals("up") && ms(w, daemonUrl, "lag-now") == 0);
      assertThat(Files.readString(dst.resolve("late.txt"))).startsWith("written while");
      // the outage is over: its error is history, not a red box beside an up target, and the title is calm again
      String past = await(d, Duration.ofSeconds(30), "the last error shown as past",
          w -> target(w, daemonUrl).findElements(By.cssSelector(".last-error[data-past='1']")).stream().map(WebElement::getText).findFirst().orElse(null));
      assertThat(past).startsWith("last error, before the target was up again").contains("rsync exit");
      int redBoxes = read(d, w -> target(w, daemonUrl).findElements(By.cssSelector(".error")).size());
      assertThat(redBoxes).as("no red error box").isZero();
      String calmTitle = read(d, w -> w.findElement(By.id("title")).getText());
      assertThat(calmTitle).isEqualTo("livesync — running");
      assertThat(d.getTitle()).isEqualTo("livesync status");
    } finally {
      if (driver != null) driver.quit();
    }
  }
  /**
   * A target whose deletions the guard holds and that then fails shows that it fails (retrying,
   * the card's badge), with the held deletions beside it: the badge said "held" whatever the
   * target's state, so a target nothing reached any more looked like one waiting for a decision.
   */
  @Test
  void aTargetWithDeletionsHeldThatFailsShowsThatItFails() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path dst = Files.createDirectories(dir.resolve("dst"));
    for (int i = 0; i < 20; i++) Files.writeString(src.resolve("f" + i), "file " + i + "\n");
    int port = FreePort.find();
    ChromeDriver driver = null;
    try (var daemon = RsyncDaemon.builder(dst).module("nfsbackup").auth("rsync_backup", "s3cret-pass").start();
        var run = LivesyncProcess.start(List.of("run", src.toString(), daemon.url(), "--password-file", daemon.passwordFile().toString(),
            "--state-dir", dir.resolve("state").toString(), "--status-socket", dir.resolve("status.sock").toString(),
            "--http", "127.0.0.1:" + port, "--max-delete", "5", "--retry-initial", "200ms", "--retry-max", "1s"))) {
      run.awaitOutput("running:", Duration.ofSeconds(60));
      String url = daemon.url();
      driver = chromium(dir.resolve("chromium-profile"));
      driver.get("http://127.0.0.1:" + port + "/");
      ChromeDriver d = driver;
      await(d, Duration.ofSeconds(60), "the target up", w -> state(w, url).equals("up"));

      for (int i = 0; i < 10; i++) Files.delete(src.resolve("f" + i));
      await(d, Duration.ofSeconds(60), "the deletions held", w -> state(w, url).equals("held") && target(w, url).getText().contains("10 paths"));

      daemon.stop();
      Files.writeString(src.resolve("late.txt"), "written while the backup host is down\n");
      await(d, Duration.ofSeconds(60), "the target shown retrying, its deletions still held",
          w -> state(w, url).equals("retrying") && target(w, url).getText().contains("deletions held"));
      screenshot(d, "held-and-retrying");
    } finally {
      if (driver != null) driver.quit();
    }
  }

  /** A target's standing warning (an ssh login shell every run waits for) is on its card. */
  @Test
  void showsATargetsWarning() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path dst = Files.createDirectories(dir.resolve("dst"));
    int port = FreePort.find();
    ChromeDriver driver = null;
    try (var sshd = Sshd.start()) {
      sshd.loginShellRc("sleep 0.3\n");
      String url = "root@127.0.0.1:" + dst;
      try (var run = LivesyncProcess.start(List.of("run", src.toString(), url, "--ssh-key", sshd.clientKey().toString(),
          "--ssh-port", Integer.toString(sshd.port()), "--known-hosts", sshd.knownHostsFile().toString(),
          "--state-dir", dir.resolve("state").toString(), "--status-socket", dir.resolve("status.sock").toString(),
          "--http", "127.0.0.1:" + port))) {
        run.awaitOutput("every rsync run waits", Duration.ofSeconds(60));
        driver = chromium(dir.resolve("chromium-profile"));
        driver.get("http://127.0.0.1:" + port + "/");
        String warning = await(driver, Duration.ofSeconds(30), "the target's warning shown",
            w -> target(w, url).findElements(By.cssSelector(".target-warning")).stream().map(WebElement::getText).findFirst().orElse(null));
        assertThat(warning).matches("every rsync run waits \\d+\\.\\d\\d s for the remote login shell's startup files \\(see 'livesync doctor'\\)");
        screenshot(driver, "warning");
      }
    } finally {
      if (driver != null) driver.quit();
    }
  }
}
