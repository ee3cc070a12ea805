package dev.livesync.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.livesync.testing.ProcSysLock;
import dev.livesync.testing.Processes;
import dev.livesync.testing.TempFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the package tests share: building the .deb with {@code scripts/package}, dpkg, and commands with a bounded wait. */
final class PackageTools {
  static final Path HOME = Path.of(System.getProperty("livesync.home", ".")).toAbsolutePath();
  /** Where the installed livesync's syncs put their target locks: the tests' own (pom.xml), not the host's. */
  static final String TEST_LOCKS = System.getProperty("livesync.lock.dir", HOME.resolve("target/target-locks").toString());
  private static final String[] LIMITS = {"max_user_watches", "max_queued_events", "max_user_instances"};

  private PackageTools() {}

  record Result(int code, String out, String err) {
    String all() {
      return "exit " + code + "\n" + out + err;
    }
  }

  /** Fails unless this is root on a machine without livesync installed (the tests install and purge it). */
  static void requireRootWithoutLivesync() throws Exception {
    assertThat(Processes.run(List.of("id", "-u")).strip()).as("the package test installs on this machine: run it as root").isEqualTo("0");
    Result q = exec(List.of("dpkg-query", "-W", "-f=${Status}", "livesync"), Duration.ofSeconds(30));
    if (q.out().contains("installed") && !q.out().contains("not-installed")) {
      fail("livesync is installed on this machine already; this test would replace and purge it (dpkg -P livesync first)");
    }
  }

  /** {@code scripts/package OUT}: the .deb it wrote there. */
  static Path build(Path out) throws Exception {
    Result built = exec(List.of(HOME.resolve("scripts/package").toString(), out.toString()), Duration.ofMinutes(20));
    assertThat(built.code()).as("scripts/package:\n%s", built.all()).isZero();
    try (var files = Files.list(out)) {
      return files.filter(f -> f.getFileName().toString().endsWith("_amd64.deb")).findFirst().orElseThrow();
    }
  }

  /** {@code dpkg -i}, with the inotify limits its postinst raises put back under the lock of the tests that lower them. */
  static void install(Path deb) throws Exception {
    try (ProcSysLock lock = ProcSysLock.acquire()) {
      Map<String, String> before = new LinkedHashMap<>();
      for (String l : LIMITS) before.put(l, Files.readString(Path.of("/proc/sys/fs/inotify", l)).strip());
      try {
        Result r = dpkg("-i", deb.toString());
        assertThat(r.code()).as("dpkg -i:\n%s", r.all()).isZero();
      } finally {
        for (var e : before.entrySet()) Files.writeString(Path.of("/proc/sys/fs/inotify", e.getKey()), e.getValue());
      }
    }
  }

  static Result dpkg(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dpkg"));
    cmd.addAll(List.of(args));
    Result r = null;
    for (int i = 0; i < 30; i++) { // another dpkg or apt on the machine holds the lock: wait for it
      r = exec(cmd, Duration.ofMinutes(5));
      if (r.code() == 0 || !r.err().contains("lock")) return r;
      Thread.sleep(2000);
    }
    return r;
  }

  static Result exec(List<String> cmd, Duration timeout) throws Exception {
    Path dir = TempFiles.dir("livesync-exec");
    try {
      Path out = dir.resolve("out");
      Path err = dir.resolve("err");
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        Processes.killTree(p);
        fail(cmd + " still running after " + timeout + ":\n" + Files.readString(out) + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      TempFiles.deleteTree(dir);
    }
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
