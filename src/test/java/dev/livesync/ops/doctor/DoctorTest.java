package dev.livesync.ops.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.fs.KernelLimits;
import dev.livesync.settings.Dirs;
import dev.livesync.testing.ProcSysLowered;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DoctorTest {
  @TempDir Path tmp;

  record Result(int code, String out) {}

  static Result doctor(String... args) {
    CommandLine cl = dev.livesync.cli.Main.commandLine();
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    String[] all = new String[args.length + 1];
    all[0] = "doctor";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Result(cl.execute(all), out.toString());
  }

  private Path treeWithDirs(int n) throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    for (int i = 1; i < n; i++) Files.createDirectories(src.resolve("d" + (i % 10)).resolve("sub" + i));
    // d0..d9 plus sub1..sub(n-1) plus the root
    return src;
  }

  @Test
  void failsWhenTheTreeHasMoreDirectoriesThanTheLoweredWatchLimit() throws Exception {
    assumeTrue(Dirs.isRoot(), "needs root to lower max_user_watches");
    Path src = treeWithDirs(40);
    long dirs = DirCounter.count(dev.livesync.fs.Bytes.of(src.toString())).dirs();
    assertThat(dirs).isEqualTo(50);
    Result r;
    // under the lock every test takes to lower a machine-wide value: nobody else changes it meanwhile
    try (var low = ProcSysLowered.to(InotifyLimits.WATCHES, dirs - 1)) {
      r = doctor("--state-dir", tmp.resolve("state").toString(), src.toString());
    }
    assertThat(r.code()).as(r.out()).isEqualTo(1);
    assertThat(r.out())
        .contains("OK    rsync: ")
        .contains("OK    source " + src + ": readable, 50 directories")
        .contains("FAIL  max_user_watches: 49 is too low: 50 directories (50 under " + src + ") need 50 watches")
        .contains("run 'livesync doctor --fix'")
        .contains("Each costs ~1 KB of kernel memory");
  }

  @Test
  void fixWritesTheSysctlFileAndRaisesTheLimit() throws Exception {
    assumeTrue(Dirs.isRoot(), "needs root to change max_user_watches");
    Path src = treeWithDirs(5);
    Path conf = tmp.resolve("sysctl.d/90-livesync.conf");
    Result r;
    long raised;
    // doctor --fix raises all three limits; the lowered one is put back by ProcSysLowered, the other
    // two here, still under its lock (so nobody reads a raised or lowered value as the machine's)
    try (var low = ProcSysLowered.to(InotifyLimits.WATCHES, 3)) {
      long originalQueued = KernelLimits.read(InotifyLimits.QUEUED);
      long originalInstances = KernelLimits.read(InotifyLimits.INSTANCES);
      try {
        r = doctor("--fix", "--sysctl-file", conf.toString(), "--state-dir", tmp.toString(), src.toString());
        raised = KernelLimits.read(InotifyLimits.WATCHES);
      } finally {
        KernelLimits.write(InotifyLimits.QUEUED, originalQueued);
        KernelLimits.write(InotifyLimits.INSTANCES, originalInstances);
      }
    }
    assertThat(raised).isGreaterThanOrEqualTo(65536);
    assertThat(r.out()).contains("OK    fix: wrote " + conf + " and applied max_user_watches 3 -> " + raised);
    assertThat(r.out()).doesNotContain("FAIL  max_user_watches");
    assertThat(Files.readString(conf))
        .contains("fs.inotify.max_user_watches = " + raised + "\n")
        .contains("fs.inotify.max_queued_events = ")
        .contains("fs.inotify.max_user_instances = ");
  }

  @Test
  void reportsMissingSourceLoosePasswordFileAndTooOldRsync() throws Exception {
    Path pw = tmp.resolve("pw");
    Files.writeString(pw, "x\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));
    Path fakeRsync = tmp.resolve("rsync");
    Files.writeString(fakeRsync, "#!/bin/sh\necho 'rsync  version 3.0.9  protocol version 30'\n");
    Files.setPosixFilePermissions(fakeRsync, PosixFilePermissions.fromString("rwx------"));
    Result r = doctor("--rsync", fakeRsync.toString(), "--password-file", pw.toString(), "--state-dir", tmp.toString(),
        tmp.resolve("missing").toString(), "rsync://u@127.0.0.1:1/m");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("FAIL  rsync: 3.0.9 is too old: livesync needs >= 3.1 for --delete-missing-args")
        .contains("FAIL  source " + tmp.resolve("missing") + ": does not exist")
        .contains("FAIL  password file " + pw + ": is accessible by its group or others (mode 0644)")
        // the file's problem is said once: the target using it was not tried (its FAIL used to say the same words again)
        .contains("WARN  target rsync://u@127.0.0.1:1/m: not tried: its password file " + pw + " is refused");
    assertThat(r.out().lines().filter(l -> l.contains("mode 0644")).count()).as(r.out()).isEqualTo(1);
  }

  /** A password file whose first line ends in a space: rsync sends it, and a daemon whose secret has none refuses every login. */
  @Test
  void warnsOfAPasswordFileWhoseLineEndsInABlank() throws Exception {
    Path pw = tmp.resolve("pw-blank");
    Files.writeString(pw, "old boy \n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    Result r = doctor("--password-file", pw.toString(), "--state-dir", tmp.toString(), tmp.toString(), "rsync://u@127.0.0.1:1/m");
    assertThat(r.out()).contains("WARN  password file " + pw + ": its first line ends in a space or tab, which rsync sends as part of the"
        + " password: if the daemon's secret has none, remove it").doesNotContain("old boy");
    Files.writeString(pw, "old boy\n");
    assertThat(doctor("--password-file", pw.toString(), "--state-dir", tmp.toString(), tmp.toString(), "rsync://u@127.0.0.1:1/m").out())
        .contains("OK    password file " + pw + ": mode 0600, owned by this user");
  }

  @Test
  void knownBrokenRsyncReleasesWarn() {
    assertThat(RsyncVersion.parse("rsync  version 3.2.5  protocol version 31").check().status()).isEqualTo(Check.Status.WARN);
    assertThat(RsyncVersion.parse("rsync  version 3.1.3  protocol version 31").check().status()).isEqualTo(Check.Status.WARN);
    assertThat(RsyncVersion.parse("rsync  version v3.2.7  protocol version 31").check().status()).isEqualTo(Check.Status.OK);
    assertThat(RsyncVersion.parse("rsync  version 2.6.9  protocol version 29").check().status()).isEqualTo(Check.Status.FAIL);
  }
}
