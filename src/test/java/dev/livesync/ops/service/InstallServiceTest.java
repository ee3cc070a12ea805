package dev.livesync.ops.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallServiceTest {
  @TempDir Path tmp;

  private static final String[] DIRS = {"livesync.runtime.dir", "livesync.state.dir", "livesync.lock.dir"};
  /** The suite's values of {@link #DIRS} (pom.xml sets the lock dir for every test): put back after each test. */
  private final String[] before = new String[DIRS.length];

  // the config's check (run --check) looks for a livesync on the status socket and at the state dir: this test's own
  @org.junit.jupiter.api.BeforeEach
  void dirs() {
    String[] own = {tmp.resolve("run").toString(), tmp.resolve("state").toString(), tmp.resolve("locks").toString()};
    for (int i = 0; i < DIRS.length; i++) before[i] = System.setProperty(DIRS[i], own[i]);
  }

  /** A source for the configs, outside the state dir (run --check refuses a state dir inside a source). */
  private Path src() throws java.io.IOException {
    return Files.createDirectories(tmp.resolve("src"));
  }

  @org.junit.jupiter.api.AfterEach
  void cleanup() {
    for (int i = 0; i < DIRS.length; i++) {
      if (before[i] == null) System.clearProperty(DIRS[i]);
      else System.setProperty(DIRS[i], before[i]);
    }
  }

  @Test
  void writesAUnitThatRestartsOnFailureAfterTheNetworkAndSaysHowToEnableIt() throws Exception {
    Path unit = tmp.resolve("livesync.service");
    var r = ServiceRoundTripTest.cli("install-service", "--output", unit.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String text = Files.readString(unit);
    assertThat(text)
        .contains("[Unit]\n", "After=network-online.target remote-fs.target local-fs.target\n", "Wants=network-online.target\n")
        .contains("Restart=on-failure\n", "ExecReload=/bin/kill -HUP $MAINPID\n", "TimeoutStopSec=45\n")
        .contains("RuntimeDirectory=livesync\n", "StateDirectory=livesync\n", "WantedBy=multi-user.target\n")
        .contains("Type=notify\n", "NotifyAccess=main\n", "WatchdogSec=3min\n", "RestartPreventExitStatus=2 5 69 78\n")
        .containsPattern("(?m)^ExecStart=\\S*livesync run --config /etc/livesync/livesync.toml$");
    assertThat(r.out()).contains("Wrote " + unit, "systemctl daemon-reload", "systemctl enable --now livesync.service");
  }

  /**
   * systemd starts a unit in /: a relative --config would name a file there (the unit then exits 78
   * and, as RestartPreventExitStatus says, is not restarted); it is written absolute. TimeoutStopSec
   * follows the config's stop_timeout, with the 15 s margin stop itself allows.
   */
  @Test
  void aRelativeConfigIsWrittenAbsoluteAndTheStopTimeoutSizesTimeoutStopSec() throws Exception {
    Path cfg = java.nio.file.Files.writeString(tmp.resolve("c3.toml"), "stop_timeout = \"10m\"\n[[sync]]\nsource = \"" + src()
        + "\"\n  [[sync.target]]\n  url = \"/backup/c3\"\n");
    Path relative = Path.of("").toAbsolutePath().relativize(cfg);
    assertThat(relative.isAbsolute()).isFalse();
    Path unit = tmp.resolve("livesync.service");
    var r = ServiceRoundTripTest.cli("install-service", "--config", relative.toString(), "--output", unit.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String text = Files.readString(unit);
    assertThat(text).containsPattern("(?m)^ExecStart=\\S*livesync run --config " + java.util.regex.Pattern.quote(cfg.toString()) + "$")
        .contains("TimeoutStopSec=615\n").doesNotContain("TimeoutStopSec=45");

    // a config that does not load (yet) is said as run would say it; with --force the unit takes the default
    Files.writeString(cfg, "stop_timeout = \"2h\"\n");
    Path other = tmp.resolve("other.service");
    r = ServiceRoundTripTest.cli("install-service", "--config", cfg.toString(), "--output", other.toString(), "--force");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).startsWith("livesync install-service: " + cfg + ":1:1: stop_timeout: expected a duration from 0ms to 1h")
        .contains("TimeoutStopSec= follows the default stop_timeout");
    assertThat(Files.readString(other)).contains("TimeoutStopSec=45\n");
  }

  /**
   * A config run would refuse made a unit without a word (a missing source; a bad key was only a
   * warning, exit 0), and the service then stopped at its first start, not to be restarted. The config
   * is checked as run --check does, in its words under install-service's name, and no unit is written
   * (run's exit code); --force writes it anyway, with a warning. A config that does not exist yet is a note.
   */
  @Test
  void aConfigRunWouldRefuseWritesNoUnitUnlessForced() throws Exception {
    Path cfg = Files.writeString(tmp.resolve("gone.toml"), "[[sync]]\nsource = \"" + tmp.resolve("no-such-dir") + "\"\n  [[sync.target]]\n"
        + "  url = \"" + tmp.resolve("backup") + "\"\n");
    Path unit = tmp.resolve("units/livesync.service");
    var r = ServiceRoundTripTest.cli("install-service", "--config", cfg.toString(), "--output", unit.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(dev.livesync.Exit.CONFIG);
    assertThat(r.err()).startsWith("livesync install-service: " + cfg + ":2:1: sync[0].source: does not exist\n")
        .contains("livesync install-service: no unit written: the service would exit 78 at once and not be restarted")
        .contains("--force").doesNotContain("livesync run:");
    assertThat(r.out()).isEmpty();
    assertThat(unit).doesNotExist();

    var forced = ServiceRoundTripTest.cli("install-service", "--config", cfg.toString(), "--output", unit.toString(), "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(forced.err()).contains("sync[0].source: does not exist").contains("warning: the unit is written, but its run would exit 78 now");
    assertThat(unit).exists();

    Path missing = tmp.resolve("later.toml");
    var later = ServiceRoundTripTest.cli("install-service", "--config", missing.toString(), "--output", tmp.resolve("later.service").toString());
    assertThat(later.code()).as(later.err()).isZero();
    assertThat(later.out()).contains("Note: " + missing + " does not exist yet");
  }

  /**
   * The unit does not restart on what only an operator can fix: a wrong password (5) restarted every
   * 5 s for ever. The codes are Exit's, and docs/operations.md says the same line.
   */
  @Test
  void theUnitIsNotRestartedOnWhatOnlyAnOperatorCanFixAsTheDocsSay() throws Exception {
    String line = SystemdUnit.restartPrevent();
    assertThat(line).isEqualTo("RestartPreventExitStatus=2 5 69 78");
    assertThat(dev.livesync.Exit.OPERATOR_MUST_ACT).contains(dev.livesync.Exit.TARGET_REFUSED, dev.livesync.Exit.CONFIG, dev.livesync.Exit.USAGE);
    assertThat(SystemdUnit.render("livesync", "run", Path.of("/etc/livesync/livesync.toml"), "man:x")).contains("\n" + line + "\n");
    assertThat(SystemdUnit.render("livesync", "serve", Path.of("/etc/livesync/livesync.toml"), "man:x")).contains("\n" + line + "\n");
    assertThat(Files.readString(Path.of("docs/operations.md"))).contains("(`" + line + "`)");
  }

  /**
   * --output DIR wrote nothing (exit 73, "run as root, or pass --output" to root who had); a file name
   * systemd does not take as a unit was told to be copied and enabled as is; a template's config
   * (%i) was written as livesync.service by default, whose %i would be empty.
   */
  @Test
  void outputIsAFileOrADirectoryAndTheStepsNameAUnitSystemdTakes() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("review"));
    var r = ServiceRoundTripTest.cli("install-service", "--output", dir.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(dir.resolve("livesync.service")).exists();
    assertThat(r.out()).contains("Wrote " + dir.resolve("livesync.service"), "cp " + dir.resolve("livesync.service") + " /etc/systemd/system/livesync.service\n");

    var t = ServiceRoundTripTest.cli("install-service", "--config", "/etc/livesync/%i.toml", "--output", dir.toString());
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(dir.resolve("livesync@.service")).exists();
    assertThat(t.out()).contains("systemctl enable --now livesync@NAME.service\n");

    Path txt = tmp.resolve("unit.txt");
    var x = ServiceRoundTripTest.cli("install-service", "--output", txt.toString());
    assertThat(x.code()).as(x.err()).isZero();
    assertThat(Files.readString(txt)).contains("ExecStart=");
    assertThat(x.out()).contains("Wrote " + txt + " (systemd reads units only as NAME.service).")
        .contains("cp " + txt + " /etc/systemd/system/livesync.service\n", "systemctl enable --now livesync.service\n")
        .doesNotContain("enable --now unit.txt");

    Path file = tmp.resolve("missing-dir/y.service");
    var y = ServiceRoundTripTest.cli("install-service", "--output", file.toString());
    assertThat(y.code()).as(y.err()).isZero();
    assertThat(y.out()).contains("cp " + file + " /etc/systemd/system/y.service\n", "systemctl enable --now y.service\n");

    Files.writeString(tmp.resolve("ro"), "a file, not a directory\n");
    var bad = ServiceRoundTripTest.cli("install-service", "--output", tmp.resolve("ro/livesync.service").toString());
    assertThat(bad.code()).isEqualTo(dev.livesync.Exit.CANNOT_WRITE);
    assertThat(bad.err()).startsWith("livesync install-service: cannot write " + tmp.resolve("ro/livesync.service")).doesNotContain("pass --output");
  }

  /**
   * A daemon target with a user and no password_file worked from a shell with RSYNC_PASSWORD exported and
   * failed as the service, which has none: install-service says so; with a password_file it says nothing.
   */
  @Test
  void aDaemonTargetWithoutAPasswordFileIsSaidToNeedOne() throws Exception {
    String sync = "[[sync]]\nname = \"data\"\nsource = \"" + src() + "\"\n  [[sync.target]]\n  url = \"rsync://rsync_backup@172.16.1.41/nfsbackup\"\n";
    Path cfg = Files.writeString(tmp.resolve("pw.toml"), sync);
    var r = ServiceRoundTripTest.cli("install-service", "--config", cfg.toString(), "--output", tmp.resolve("pw.service").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEqualTo("livesync install-service: warning: sync data: target rsync://rsync_backup@172.16.1.41/nfsbackup names user"
        + " rsync_backup but no password_file: the service does not get the RSYNC_PASSWORD of your shell, so its login would fail; give the"
        + " target a password_file (mode 0600)\n");
    Path pw = dev.livesync.testing.TempFiles.privateFile(tmp.resolve("rsync.password"), "s3cret\n");
    Files.writeString(cfg, sync + "  password_file = \"" + pw + "\"\n");
    var ok = ServiceRoundTripTest.cli("install-service", "--config", cfg.toString(), "--output", tmp.resolve("pw.service").toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.err()).isEmpty();
  }

  /**
   * systemd splits ExecStart= at spaces and expands % specifiers and $ variables: a config under
   * "/srv/my backups" was run as --config /srv/my, and a % in a path was a specifier. Words are quoted
   * and % and $ doubled; the template unit's %i stays a specifier.
   */
  @Test
  void aConfigPathWithSpacesPercentAndDollarIsOneWordForSystemd() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("my backups 100%$HOME"));
    Path cfg = Files.writeString(dir.resolve("c.toml"), "[[sync]]\nsource = \"" + src() + "\"\n  [[sync.target]]\n  url = \"/backup/c\"\n");
    Path unit = tmp.resolve("livesync.service");
    var r = ServiceRoundTripTest.cli("install-service", "--config", cfg.toString(), "--output", unit.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String quoted = "\"" + cfg.toString().replace("%", "%%").replace("$", "$$") + "\"";
    assertThat(Files.readString(unit)).containsPattern("(?m)^ExecStart=\\S*livesync run --config " + java.util.regex.Pattern.quote(quoted) + "$");
    assertThat(SystemdUnit.word("/etc/livesync/%i.toml")).isEqualTo("/etc/livesync/%i.toml");
    assertThat(SystemdUnit.word("/opt/a\"b\\c")).isEqualTo("\"/opt/a\\\"b\\\\c\"");
  }

  @Test
  void serveUnitForTheBackupHost() throws Exception {
    Path unit = tmp.resolve("x/livesync-serve.service");
    var r = ServiceRoundTripTest.cli("install-service", "--serve", "--config", "/etc/livesync/backup.toml", "--output", unit.toString());
    assertThat(r.code()).isZero();
    assertThat(Files.readString(unit)).containsPattern("(?m)^ExecStart=\\S*livesync serve --config /etc/livesync/backup.toml$")
        .contains("Type=simple\n").doesNotContain("WatchdogSec");
    assertThat(r.out()).contains("systemctl enable --now livesync-serve.service");
  }
  /**
   * livesync.service and livesync-serve.service both have /run/livesync as RuntimeDirectory=, and the
   * instances of livesync@.service live in /run/livesync/NAME. systemd does not count a directory's
   * owners: with RuntimeDirectoryPreserve=no, stopping either removed the status sockets of running
   * instances and serve's daemon config and secrets. The shared directory is preserved; an instance's
   * own directory goes with it. Every unit verifies.
   */
  @Test
  void stoppingOneUnitLeavesTheRuntimeFilesOfTheOthers() throws Exception {
    Path run = tmp.resolve("livesync.service");
    Path serve = tmp.resolve("livesync-serve.service");
    Path template = tmp.resolve("livesync@.service");
    assertThat(ServiceRoundTripTest.cli("install-service", "--output", run.toString()).code()).isZero();
    assertThat(ServiceRoundTripTest.cli("install-service", "--serve", "--output", serve.toString()).code()).isZero();
    var t = ServiceRoundTripTest.cli("install-service", "--config", "/etc/livesync/%i.toml", "--output", template.toString());
    assertThat(t.code()).isZero();
    // a template is enabled as an instance (systemctl refuses livesync@.service), which has a socket of its own
    assertThat(t.out()).contains("systemctl enable --now livesync@NAME.service\n").doesNotContain("enable --now livesync@.service").doesNotContain("Note:");
    for (Path shared : java.util.List.of(run, serve)) {
      assertThat(Files.readString(shared)).as(shared.toString()).contains("RuntimeDirectory=livesync\n", "RuntimeDirectoryPreserve=yes\n")
          .doesNotContain("RuntimeDirectoryPreserve=no").doesNotContain("LIVESYNC_RUNTIME_DIR");
    }
    assertThat(Files.readString(template)).contains("Environment=LIVESYNC_RUNTIME_DIR=/run/livesync/%i\n", "RuntimeDirectory=livesync/%i\n",
        "RuntimeDirectoryPreserve=no\n");
    // a template verifies as one of its instances
    Files.copy(template, tmp.resolve("livesync@www.service"));
    for (String u : java.util.List.of("livesync.service", "livesync-serve.service", "livesync@www.service")) {
      String v = dev.livesync.testing.Processes.run(java.util.List.of("systemd-analyze", "verify", "--man=no", tmp.resolve(u).toString()));
      assertThat(v.lines().filter(l -> l.contains("livesync")).toList()).as("systemd-analyze verify %s:\n%s", u, v).isEmpty();
    }
  }
}
