package dev.livesync.ops.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.TempFiles;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TargetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code doctor} on an rsync daemon target (a real daemon on loopback): what is wrong, and only advice that fits it. */
class TargetProbeDaemonTest {
  final Path work = TempFiles.dir("probe-daemon");
  RsyncDaemon daemon;

  @AfterEach
  void cleanUp() {
    if (daemon != null) daemon.close();
    TempFiles.deleteTree(work);
  }

  private Check probe(String url) throws Exception {
    Path src = Files.createDirectories(work.resolve("src"));
    return new TargetProbe(Bytes.of(src.toString()), TargetSpec.of(url, TargetOptions.defaults())).get();
  }

  @Test
  void anUnknownModuleSaysSoAndListsTheDaemonsModules() throws Exception {
    daemon = RsyncDaemon.builder(Files.createDirectories(work.resolve("m"))).module("nfsbackup").start();
    Check c = probe("rsync://127.0.0.1:" + daemon.port() + "/nfsbakup");
    assertThat(c.status()).as(c.line()).isEqualTo(Check.Status.FAIL);
    assertThat(c.detail()).startsWith("the rsync daemon at rsync://127.0.0.1:" + daemon.port() + "/nfsbakup has no module 'nfsbakup': check the module name")
        .endsWith("; it lists: nfsbackup")
        .doesNotContain("password", " -> ", "\n");
  }

  /** The daemon's secrets line given as the client's password file: said as run --check says it, not as a failed login. */
  @Test
  void aPasswordFileInTheSecretsFormSaysSoNotThatTheLoginFailed() throws Exception {
    daemon = RsyncDaemon.builder(Files.createDirectories(work.resolve("m"))).auth("backup", "s3cret").start();
    Path secrets = dev.livesync.testing.TempFiles.privateFile(work.resolve("rsync.password"), "backup:s3cret\n");
    Path src = Files.createDirectories(work.resolve("src"));
    Check c = new TargetProbe(Bytes.of(src.toString()),
        TargetSpec.of(daemon.url(), TargetOptions.builder().passwordFile(secrets).build())).get();
    assertThat(c.status()).as(c.line()).isEqualTo(Check.Status.FAIL);
    assertThat(c.detail()).isEqualTo("password_file: holds 'backup:...' on its first line, the line of an rsync daemon's secrets file"
        + " (user:password): a password file holds the password alone (what follows 'backup:'), which rsync sends as it is");
    // and the password alone logs in
    Path alone = dev.livesync.testing.TempFiles.privateFile(work.resolve("alone.password"), "s3cret\n");
    Check ok = new TargetProbe(Bytes.of(src.toString()), TargetSpec.of(daemon.url(), TargetOptions.builder().passwordFile(alone).build())).get();
    assertThat(ok.status()).as(ok.line()).isEqualTo(Check.Status.OK);
  }

  @Test
  void aReadOnlyModuleSaysWhereToMakeItWritable() throws Exception {
    daemon = RsyncDaemon.builder(Files.createDirectories(work.resolve("m"))).moduleOption("read only", "yes").start();
    Check c = probe(daemon.url());
    assertThat(c.status()).as(c.line()).isEqualTo(Check.Status.FAIL);
    assertThat(c.detail()).endsWith("has module 'backup' read only: set 'read only = no' for it in the daemon's rsyncd.conf (with livesync serve:"
        + " no read_only = true in its [[serve.module]])")
        .doesNotContain("syntax or usage", "\n");
  }

  /** A path below the module that is not there (a typo?): the daemon answered, but doctor says the directory is missing. */
  @Test
  void aPathBelowTheModuleThatDoesNotExistIsAWarning() throws Exception {
    daemon = RsyncDaemon.builder(Files.createDirectories(work.resolve("m"))).start();
    Check c = probe(daemon.url() + "/hots1");
    assertThat(c.status()).as(c.line()).isEqualTo(Check.Status.WARN);
    assertThat(c.detail()).isEqualTo("reachable, authenticated (dry run, nothing changed); but the directory hots1 does not exist in module backup"
        + " yet (the first sync makes it; check the path)");
    assertThat(work.resolve("m/hots1")).doesNotExist();
    Files.createDirectories(work.resolve("m/hots1"));
    Check there = probe(daemon.url() + "/hots1");
    assertThat(there.status()).as(there.line()).isEqualTo(Check.Status.OK);
  }

  /** The same for a local target. */
  @Test
  void aLocalTargetDirectoryThatDoesNotExistIsAWarning() throws Exception {
    Path dst = work.resolve("backup/hots1");
    Check c = probe(dst.toString());
    assertThat(c.status()).as(c.line()).isEqualTo(Check.Status.WARN);
    assertThat(c.detail()).isEqualTo("usable by rsync (local directory; dry run, nothing changed); but the directory " + dst
        + " does not exist yet (the first sync makes it; check the path)");
    assertThat(dst).doesNotExist();
  }
}
