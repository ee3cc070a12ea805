package dev.livesync.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.livesync.packaging.PackageTools.*;

import dev.livesync.testing.Await;
import dev.livesync.testing.ProcSysLock;
import dev.livesync.testing.Processes;
import dev.livesync.testing.TempFiles;
import dev.livesync.testing.UsualInotifyLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb as a user gets it: built once for the class by {@code scripts/package}, installed on this
 * (CI) machine with {@code dpkg -i}, driven through {@code /usr/bin/livesync} with a bare environment,
 * and purged at the end (in {@link #purge()} whatever happened). The inotify limits the package raises
 * are put back right after the install, under the lock of the tests that lower them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackageInstallTest {
  /** The syncs' target locks in the build's directory (as for every test), not the host's /run/livesync/targets, where they outlived the tests. */
  private static final List<String> BARE = List.of("env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LIVESYNC_LOCK_DIR=" + PackageTools.TEST_LOCKS);
  private static Path deb;
  private static String version;
  private static List<String> installed = List.of();

  @TempDir Path tmp;

  @BeforeAll
  static void buildAndInstall() throws Exception {
    requireRootWithoutLivesync();
    deb = build(TempFiles.dir("livesync-package"));
    Matcher m = Pattern.compile("livesync_(.+)_amd64\\.deb").matcher(deb.getFileName().toString());
    assertThat(m.matches()).isTrue();
    version = m.group(1);
    assertThat(deb.resolveSibling("livesync-" + version + "-linux-x64.tar.gz")).isRegularFile();
    install(deb);
    installed = exec(List.of("dpkg", "-L", "livesync"), Duration.ofSeconds(30)).out().lines().toList();
  }

  @AfterAll
  static void deleteBuild() {
    if (deb != null) TempFiles.deleteTree(deb.getParent());
  }

  @AfterAll
  static void purge() throws Exception {
    if (deb != null) dpkg("-P", "livesync");
  }

  @Test
  @Order(1)
  void lintianReportsNoErrorAndEveryWarningIsExplainedInTheDocs() throws Exception {
    // lintian leaves its ELF index (mldbm-elf-*) in $TMPDIR on some runs: here, in the test's own directory.
    Result r = exec(List.of("env", "TMPDIR=" + tmp, "lintian", "--tag-display-limit", "0", deb.toString()), Duration.ofMinutes(5));
    List<String> tags = r.out().lines().filter(l -> l.matches("^[EW]: .*")).toList();
    assertThat(tags).as("lintian errors").noneMatch(l -> l.startsWith("E: "));
    String docs = Files.readString(HOME.resolve("docs/packaging.md"));
    for (String w : tags) {
      String tag = w.split(" ")[2];
      assertThat(docs).as("docs/packaging.md explains lintian's %s", w).contains("`" + tag + "`");
    }
  }

  @Test
  @Order(2)
  void theInstalledCommandUsesItsOwnJavaWhateverTheEnvironmentSays() throws Exception {
    Result v = exec(concat(BARE, List.of("livesync", "--version")), Duration.ofSeconds(60));
    assertThat(v.code()).as(v.all()).isZero();
    assertThat(v.out().strip()).isEqualTo("livesync " + version);
    // a JAVA_HOME and a PATH that lead to the system's Java (or nowhere) change nothing
    Result j = exec(List.of("env", "-i", "PATH=/usr/lib/jvm/default-java/bin:/usr/bin:/bin", "JAVA_HOME=/nonexistent",
        "livesync", "--version"), Duration.ofSeconds(60));
    assertThat(j.out().strip()).as(j.all()).isEqualTo("livesync " + version);
    // the class-data archive made at build time maps (-Xshare:on fails when it cannot)
    Result cds = exec(List.of("env", "LIVESYNC_JAVA_OPTS=-Xshare:on", "livesync", "--version"), Duration.ofSeconds(60));
    assertThat(cds.code()).as(cds.all()).isZero();
    // and it holds picocli's model of the commands too (dumped from --help): every other command builds it
    Result help = exec(List.of("env", "LIVESYNC_JAVA_OPTS=-Xshare:on -Xlog:class+load=info", "livesync", "--help"), Duration.ofSeconds(60));
    assertThat(help.code()).as(help.all()).isZero();
    assertThat(help.out()).containsPattern("dev\\.livesync\\.cli\\.RunCommand source: shared objects file");
  }

  @Test
  @Order(3)
  void eventsTimesOutLikeInotifywaitThroughTheCommandAndTheWrapper() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("quiet"));
    try (ProcSysLock lock = ProcSysLock.acquire()) { // not while another test has lowered the inotify limits
      UsualInotifyLimits.raiseLowered("in " + PackageInstallTest.class.getSimpleName());
      quietEvents(dir);
    }
  }

  private void quietEvents(Path dir) throws Exception {
    Result e = exec(concat(BARE, List.of("livesync", "events", "-t", "1", dir.toString())), Duration.ofSeconds(60));
    assertThat(e.code()).as(e.all()).isEqualTo(2); // inotifywait's exit code for a timeout
    assertThat(e.err()).contains("Watches established.");
    Result w = exec(concat(BARE, List.of("/usr/lib/livesync/bin/inotifywait", "-t", "1", dir.toString())), Duration.ofSeconds(60));
    assertThat(w.code()).as(w.all()).isEqualTo(2);
  }

  @Test
  @Order(4)
  void runReplicatesToALocalTargetOnTheBundledJvm() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Files.writeString(src.resolve("before.txt"), "before");
    List<String> cmd = concat(BARE, List.of("livesync", "run", src.toString(), dst.toString(), "--state-dir", tmp.resolve("state").toString(),
        "--status-socket", tmp.resolve("status.sock").toString()));
    Path log = tmp.resolve("run.log");
    ProcSysLock lock = ProcSysLock.acquire(); // not while another test has lowered the inotify limits
    UsualInotifyLimits.raiseLowered("in " + PackageInstallTest.class.getSimpleName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try (lock) {
      awaitFile(dst.resolve("before.txt"), "before", p, log);
      Files.writeString(src.resolve("after.txt"), "after");
      awaitFile(dst.resolve("after.txt"), "after", p, log);
      // env execs the launcher, which execs java: the pid stays, and its exe is the bundled runtime
      assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "exe")))
          .isEqualTo(Path.of("/usr/lib/livesync/runtime/bin/java"));
      Processes.run(List.of("kill", "-TERM", Long.toString(p.pid())));
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(log)).isZero();
    } finally {
      Processes.killTree(p);
    }
  }

  /** {@code livesync demo} as a new user runs it after the install: serve, run, a burst, verified, on the bundled runtime. */
  @Test
  @Order(4)
  void theDemoRunsFromTheInstalledPackage() throws Exception {
    try (ProcSysLock lock = ProcSysLock.acquire()) { // not while another test has lowered the inotify limits
      UsualInotifyLimits.raiseLowered("in " + PackageInstallTest.class.getSimpleName());
      Result d = exec(concat(BARE, List.of("livesync", "demo")), Duration.ofMinutes(5));
      assertThat(d.code()).as(d.all()).isZero();
      assertThat(d.out()).as(d.all()).contains("burst: 500 files").contains("target == source").contains("cleaned up");
    }
  }

  @Test
  @Order(5)
  void theConfigFileParsesOnTheTrimmedRuntime() throws Exception {
    assertThat(exec(List.of("dpkg-query", "-W", "-f=${Conffiles}", "livesync"), Duration.ofSeconds(30)).out())
        .contains("/etc/livesync/livesync.toml");
    // the unedited conffile starts nothing: every line is a comment
    Result empty = exec(concat(BARE, List.of("livesync", "run", "--config", "/etc/livesync/livesync.toml", "--check")), Duration.ofSeconds(60));
    assertThat(empty.code()).as(empty.all()).isEqualTo(78);
    Path src = Files.createDirectories(tmp.resolve("data"));
    Path cfg = Files.writeString(tmp.resolve("livesync.toml"), "state_dir = \"" + tmp.resolve("state") + "\"\n"
        + "[[sync]]\nsource = \"" + src + "\"\ndelay = \"300ms\"\nexclude = [\"*.tmp\"]\n"
        + "  [[sync.target]]\n  url = \"" + tmp.resolve("copy") + "\"\n");
    // a runtime dir of its own: --check also checks the status socket, and another livesync may hold the default one
    Result ok = exec(concat(BARE, List.of("env", "LIVESYNC_RUNTIME_DIR=" + tmp.resolve("run"), "livesync", "run", "--config", cfg.toString(),
        "--check")), Duration.ofSeconds(60));
    assertThat(ok.code()).as(ok.all()).isZero();
  }

  @Test
  @Order(6)
  void theUnitsVerifyAndInstallServiceWritesThePackagedText() throws Exception {
    Path units = Path.of("/lib/systemd/system");
    for (String u : List.of("livesync.service", "livesync@.service", "livesync-serve.service")) assertThat(units.resolve(u)).isRegularFile();
    Path mine = tmp.resolve("livesync.service");
    // the package's example config has no [[sync]] yet, which install-service refuses as run would: --force writes the unit
    Result r = exec(List.of("livesync", "install-service", "--output", mine.toString(), "--force"), Duration.ofSeconds(60));
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(Files.readString(mine)).isEqualTo(Files.readString(units.resolve("livesync.service")));
    if (exec(List.of("sh", "-c", "command -v systemd-analyze"), Duration.ofSeconds(10)).code() != 0) return;
    // a template unit verifies as one of its instances
    Path dir = Files.createDirectories(tmp.resolve("units"));
    Files.copy(units.resolve("livesync.service"), dir.resolve("livesync.service"));
    Files.copy(units.resolve("livesync-serve.service"), dir.resolve("livesync-serve.service"));
    Files.copy(units.resolve("livesync@.service"), dir.resolve("livesync@www.service"));
    for (String u : List.of("livesync.service", "livesync-serve.service", "livesync@www.service")) {
      Result v = exec(List.of("systemd-analyze", "verify", "--man=yes", dir.resolve(u).toString()), Duration.ofSeconds(60));
      List<String> about = v.all().lines().filter(l -> l.contains("livesync")).toList();
      assertThat(about).as("systemd-analyze verify %s:\n%s", u, v.all()).isEmpty();
    }
  }

  /**
   * The tarball unpacks anywhere: the package's units (ExecStart=/usr/bin/livesync) would run nothing
   * there, so it has none, and its own launcher's install-service writes the packaged text with its path.
   */
  /** install-service over the package: the copy in /etc hides the package's unit, and it says so. */
  @Test
  @Order(5)
  void installServiceSaysItsCopyHidesThePackagesUnit() throws Exception {
    Path copy = Path.of("/etc/systemd/system/livesync.service");
    assertThat(copy).as("an admin's unit this test would overwrite").doesNotExist();
    try {
      Result r = exec(concat(BARE, List.of("livesync", "install-service", "--force")), Duration.ofSeconds(60)); // the example config: no [[sync]] yet
      assertThat(r.code()).as(r.all()).isZero();
      assertThat(r.out()).contains("Note: the livesync package installs /lib/systemd/system/livesync.service already; this copy takes"
          + " its place (package upgrades of the unit no longer reach it): delete " + copy);
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  @Test
  @Order(6)
  void theTarballHasNoUnitsAndItsInstallServiceWritesItsOwnPath() throws Exception {
    Path tgz = deb.resolveSibling("livesync-" + version + "-linux-x64.tar.gz");
    Result list = exec(List.of("tar", "-tzf", tgz.toString()), Duration.ofSeconds(60));
    assertThat(list.code()).as(list.all()).isZero();
    assertThat(list.out().lines().toList()).as("the tarball's files").noneMatch(f -> f.endsWith(".service") || f.contains("/systemd/"))
        .contains("livesync-" + version + "-linux-x64/bin/livesync", "livesync-" + version + "-linux-x64/90-livesync.conf");
    Path opt = Files.createDirectories(tmp.resolve("opt"));
    Result x = exec(List.of("tar", "-xzf", tgz.toString(), "-C", opt.toString()), Duration.ofSeconds(120));
    assertThat(x.code()).as(x.all()).isZero();
    Path launcher = opt.resolve("livesync-" + version + "-linux-x64/bin/livesync");
    for (String unit : List.of("livesync.service", "livesync-serve.service", "livesync@.service")) {
      // --force: the package's example config (no [[sync]] yet) is refused as run would refuse it
      List<String> args = new ArrayList<>(List.of(launcher.toString(), "install-service", "--output", tmp.resolve(unit).toString(), "--force"));
      if (unit.equals("livesync-serve.service")) args.add("--serve");
      if (unit.equals("livesync@.service")) args.addAll(List.of("--config", "/etc/livesync/%i.toml"));
      Result r = exec(concat(BARE, args), Duration.ofSeconds(60));
      assertThat(r.code()).as(r.all()).isZero();
      String packaged = Files.readString(Path.of("/lib/systemd/system", unit));
      assertThat(packaged).contains("ExecStart=/usr/bin/livesync ");
      assertThat(Files.readString(tmp.resolve(unit))).as(unit).isEqualTo(packaged.replace("ExecStart=/usr/bin/livesync ", "ExecStart=" + launcher + " "));
    }
  }

  @Test
  @Order(7)
  void everyManPageRendersAndManFindsThem() throws Exception {
    List<String> pages = installed.stream().filter(f -> f.startsWith("/usr/share/man/man1/")).toList();
    assertThat(pages).contains("/usr/share/man/man1/livesync.1.gz", "/usr/share/man/man1/livesync-run.1.gz",
        "/usr/share/man/man1/livesync-events.1.gz", "/usr/share/man/man1/livesync-install-service.1.gz");
    for (String page : pages) {
      Result r = exec(List.of("env", "MANWIDTH=80", "LC_ALL=C.UTF-8", "man", "--warnings", "-E", "UTF-8", "-l", page), Duration.ofSeconds(60));
      assertThat(r.code()).as(page).isZero();
      assertThat(r.err()).as("groff's warnings for %s", page).isEmpty();
      assertThat(r.out()).as(page).contains("NAME", "SYNOPSIS", "livesync");
    }
    assertThat(exec(List.of("man", "-w", "livesync-run"), Duration.ofSeconds(30)).out().strip())
        .isEqualTo("/usr/share/man/man1/livesync-run.1.gz");
  }

  @Test
  @Order(8)
  void bashCompletesTheCommand() throws Exception {
    Result r = exec(List.of("bash", "-c", "source /usr/share/bash-completion/completions/livesync && complete -p livesync"), Duration.ofSeconds(30));
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("-F _complete_livesync").contains("livesync");
    // and the completion function offers the subcommands
    Result words = exec(List.of("bash", "-c", "source /usr/share/bash-completion/completions/livesync && COMP_WORDS=(livesync ru) COMP_CWORD=1 "
        + "COMP_LINE='livesync ru' COMP_POINT=11 _complete_livesync && printf '%s\\n' \"${COMPREPLY[@]}\""), Duration.ofSeconds(30));
    assertThat(words.out().lines()).as(words.all()).contains("run");
  }

  /**
   * zsh finds {@code _livesync} where Debian's zsh looks (its default fpath, no setup) and completes
   * a subcommand: a real interactive zsh on a pseudo-terminal (zsh's own zpty module) gets
   * "livesync ru" and a Tab, and a key bound to a widget writes the line as completion left it.
   */
  @Test
  @Order(8)
  void zshLoadsTheCompletionAndCompletesASubcommand() throws Exception {
    assertThat(installed).contains("/usr/share/zsh/vendor-completions/_livesync");
    Result loaded = exec(List.of("zsh", "-fc", "autoload -U compinit && compinit -u -D && print -r -- $_comps[livesync]"), Duration.ofSeconds(60));
    assertThat(loaded.out().strip()).as("compinit maps livesync to its function: %s", loaded.all()).isEqualTo("_livesync");
    Path line = tmp.resolve("line");
    Path script = Files.writeString(tmp.resolve("complete.zsh"), String.join("\n",
        "zmodload zsh/zpty || exit 3",
        "zpty z zsh -f -i",
        "zpty -w z \"PS1='%% '; autoload -U compinit; compinit -u -D; show() { print -r -- \\\"\\$BUFFER\\\" > $1 }; zle -N show; bindkey '^T' show\"",
        "zpty -w -n z $'livesync ru\\t\\x14'", // keys are read in order: the Tab's completion is done before ^T
        "for i in {1..100}; do [[ -s $1 ]] && break; sleep 0.1; done",
        "zpty -d z",
        ""));
    Result r = exec(List.of("zsh", "-f", script.toString(), line.toString()), Duration.ofSeconds(60));
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(line).as("zsh wrote no line: %s", r.all()).exists();
    assertThat(Files.readString(line)).isEqualTo("livesync run \n");
  }

  @Test
  @Order(9)
  void sizeSysctlAndDependencies() throws Exception {
    String fields = exec(List.of("dpkg-query", "-W", "-f=${Installed-Size} ${Depends} | ${Recommends}", "livesync"), Duration.ofSeconds(30)).out();
    long kib = Long.parseLong(fields.split(" ")[0]);
    assertThat(kib).as("installed size in KiB").isLessThanOrEqualTo(80 * 1024);
    assertThat(fields).contains("rsync", "openssh-client", "| inotify-tools");
    assertThat(Files.readString(Path.of("/usr/lib/sysctl.d/90-livesync.conf"))).contains("fs.inotify.max_user_watches = 1048576");
  }

  /** A second build gives the same bytes (slow: one more jlink; run with LIVESYNC_SLOW=1 ./test). */
  @Test
  @Order(10)
  @org.junit.jupiter.api.Tag("slow")
  @org.junit.jupiter.api.Timeout(value = 25, unit = java.util.concurrent.TimeUnit.MINUTES)
  void buildingTwiceGivesTheSameBytes() throws Exception {
    Path again = TempFiles.dir("livesync-package-again");
    try {
      Result built = exec(List.of(HOME.resolve("scripts/package").toString(), again.toString()), Duration.ofMinutes(20));
      assertThat(built.code()).as(built.all()).isZero();
      for (String f : List.of(deb.getFileName().toString(), "livesync-" + version + "-linux-x64.tar.gz")) {
        assertThat(Files.mismatch(deb.resolveSibling(f), again.resolve(f))).as("%s differs between two builds", f).isEqualTo(-1L);
      }
    } finally {
      TempFiles.deleteTree(again);
    }
  }

  @Test
  @Order(11)
  void purgeRemovesWhatItInstalledButNotTheAdminsFiles() throws Exception {
    Path mine = Path.of("/etc/livesync/mine.toml");
    Files.writeString(mine, "# the admin's own\n");
    try {
      Result r = dpkg("-P", "livesync");
      assertThat(r.code()).as(r.all()).isZero();
      List<String> left = new ArrayList<>();
      for (String f : installed) {
        Path p = Path.of(f);
        var nofollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
        // every file, and the directories that are only ours (/usr, /usr/share/man/man1 are shared;
        // /etc/livesync holds the admin's file)
        boolean ours = !Files.isDirectory(p) || f.startsWith("/usr/lib/livesync") || f.startsWith("/usr/share/doc/livesync");
        if (ours && Files.exists(p, nofollow)) left.add(f);
      }
      assertThat(left).as("left behind by dpkg -P").isEmpty();
      assertThat(mine).exists();
    } finally {
      Files.deleteIfExists(mine);
      try (var s = Files.list(Path.of("/etc/livesync"))) {
        if (s.findAny().isEmpty()) Files.delete(Path.of("/etc/livesync"));
      } catch (IOException ignored) {
        // already gone
      }
    }
  }

  // --- helpers

  private static void awaitFile(Path f, String content, Process p, Path log) {
    Await.until(f + " arrived", Await.CONVERGE, () -> Files.isRegularFile(f) && Files.readString(f).equals(content), () -> !p.isAlive(),
        () -> (p.isAlive() ? "" : "livesync run exited (" + p.exitValue() + ")") + ":\n" + TempFiles.readOrEmpty(log));
  }
}
