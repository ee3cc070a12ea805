package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.FreePort;
import dev.livesync.testing.Processes;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.TempFiles;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TargetFixture.Kind;
import dev.livesync.transport.TransferResult.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a target's failure says (in status, the log, verify and doctor alike), against the real ssh,
 * sshd and rsync daemon that produce it: one line, what is wrong and what to do, not rsync's or ssh's
 * raw text (a changed host key is a 15-line banner whose useful lines come last).
 */
class FailureWordsTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final byte[] src = Trees.tempDir("ls-words-src");
  private final Path work = TempFiles.dir("ls-words");

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : cleanup.reversed()) c.close();
    Trees.delete(src);
    TempFiles.deleteTree(work);
  }

  private <T extends AutoCloseable> T track(T c) {
    cleanup.add(c);
    return c;
  }

  private TransferResult sendOne(String url, TargetOptions options) throws Exception {
    Trees.write(at(src, Bytes.of("f")), "x");
    try (var t = RsyncTransport.open(src, url, options)) {
      return t.send(List.of(Bytes.of("f")), false);
    }
  }

  private String sshUrl() throws Exception {
    return "root@127.0.0.1:" + Files.createDirectories(work.resolve("dst"));
  }

  /** A known_hosts that holds another key for the test sshd, as after its host key was regenerated. */
  private Path knownHostsWithAnotherKey() {
    Path key = work.resolve("other_host");
    Processes.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
    String[] pub = TempFiles.readOrEmpty(Path.of(key + ".pub")).trim().split(" ");
    Path knownHosts = work.resolve("known_hosts");
    TempFiles.write(knownHosts, "[127.0.0.1]:" + SSHD.get().port() + " " + pub[0] + " " + pub[1] + "\n");
    return knownHosts;
  }

  @Test
  void aChangedHostKeySaysWhichLineAndHowToRemoveIt() throws Exception {
    var sshd = SSHD.get();
    Path knownHosts = knownHostsWithAnotherKey();
    var options = TargetOptions.builder().ssh(sshd.clientKey(), sshd.port(), knownHosts).build();
    TransferResult r = sendOne(sshUrl(), options);
    String host = "[127.0.0.1]:" + sshd.port();
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.FATAL);
    assertThat(r.message()).isEqualTo("host key of " + host + " changed (known_hosts " + knownHosts + ":1): if that is intended, remove the old one: "
        + "ssh-keygen -R '" + host + "' -f " + knownHosts);

    // the advice works: after it, the next run accepts the new key and goes through
    Processes.run(List.of("ssh-keygen", "-R", host, "-f", knownHosts.toString()));
    TransferResult again = sendOne(sshUrl(), options);
    assertThat(again.outcome()).as(again.message()).isEqualTo(Outcome.OK);
  }

  @Test
  void aHostNotInAStrictKnownHostsIsAHostKeyFailureNotARefusedLogin() throws Exception {
    // livesync accepts a new host once; a strict setting elsewhere (ssh's own) says only "Host key verification failed"
    var sshd = SSHD.get();
    Path empty = Files.createFile(work.resolve("empty_known_hosts"));
    var p = new ProcessBuilder("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
        "-o", "UserKnownHostsFile=" + empty, "-p", Integer.toString(sshd.port()), "-i", sshd.clientKey().toString(), "root@127.0.0.1", "true")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    List<byte[]> stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines().map(Bytes::of).toList();
    assertThat(p.waitFor()).isEqualTo(255);
    var v = ExitCodes.classify(255, stderr, Target.parse(sshUrl()));
    assertThat(v.outcome()).isEqualTo(Outcome.FATAL);
    assertThat(v.message()).startsWith("host key of [127.0.0.1]:" + sshd.port() + " not verified: it is not in known_hosts and strict checking is on")
        .doesNotContain("refused", "\n");
  }

  @Test
  void aClosedSshPortSaysTheConnectionWasRefusedThere() throws Exception {
    int closed = FreePort.find();
    TransferResult r = sendOne(sshUrl(), TargetOptions.builder().ssh(SSHD.get().clientKey(), closed, SSHD.get().knownHostsFile()).build());
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.RETRY);
    assertThat(r.message()).isEqualTo("ssh to " + sshUrl() + ": connection refused on 127.0.0.1 port " + closed
        + ": is sshd running there, and is ssh_port right?");
  }

  @Test
  void anUnknownModuleSaysToCheckTheModuleName() throws Exception {
    var daemon = track(RsyncDaemon.start(Files.createDirectories(work.resolve("module"))));
    TransferResult r = sendOne("rsync://127.0.0.1:" + daemon.port() + "/nope", TargetOptions.defaults());
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.FATAL);
    assertThat(r.message()).isEqualTo(unknownModule("nope", daemon.port()));
  }

  /**
   * A module whose hosts allow keeps this host out. With 'list = no' (the classic rsyncd.conf's and
   * livesync serve's) rsync answers "Unknown module" as for a mistyped name, so the words name both;
   * a listed module gets "access denied", said as what to change.
   */
  @Test
  void aModuleThatRefusesThisHostSaysToLookAtHostsAllow() throws Exception {
    var hidden = track(RsyncDaemon.builder(Files.createDirectories(work.resolve("hidden"))).module("nfsbackup")
        .moduleOption("list", "no").moduleOption("hosts allow", "10.9.9.9").start());
    TransferResult r = sendOne(hidden.url(), TargetOptions.defaults());
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.FATAL);
    assertThat(r.message()).isEqualTo(unknownModule("nfsbackup", hidden.port()));
    assertThat(hidden.log()).contains("rsync denied on module nfsbackup");

    var listed = track(RsyncDaemon.builder(Files.createDirectories(work.resolve("listed"))).module("nfsbackup")
        .moduleOption("hosts allow", "10.9.9.9").start());
    TransferResult denied = sendOne(listed.url(), TargetOptions.defaults());
    assertThat(denied.outcome()).as(denied.message()).isEqualTo(Outcome.FATAL);
    assertThat(denied.message()).startsWith("the rsync daemon at rsync://127.0.0.1:" + listed.port() + "/nfsbackup does not let this host use"
        + " module 'nfsbackup' (@ERROR: access denied to nfsbackup from ")
        .endsWith("): add this host to the module's 'hosts allow' (livesync serve: --hosts-allow, hosts_allow) or take it out of its"
            + " 'hosts deny'")
        .doesNotContain("\n");
  }

  /**
   * A daemon target without a user: rsync logs in as $USER, else $LOGNAME, else nobody (a service under
   * systemd has neither), so the words say which user went and that the target names none.
   */
  @Test
  void anAuthFailureWithoutAUserInTheTargetSaysWhoRsyncLoggedInAs() throws Exception {
    var daemon = track(RsyncDaemon.builder(Files.createDirectories(work.resolve("module"))).auth("backup", "s3cret").start());
    String url = "rsync://127.0.0.1:" + daemon.port() + "/backup";
    TransferResult r = sendOne(url, TargetOptions.builder().passwordFile(daemon.passwordFile()).build());
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.FATAL);
    String sent = java.util.stream.Stream.of(System.getenv("USER"), System.getenv("LOGNAME")).filter(v -> v != null && !v.isEmpty())
        .findFirst().orElse("nobody"); // rsync's own rule; the daemon's log below says whom it saw
    assertThat(daemon.log()).contains("auth failed on module backup from").contains(" for " + sent + ": ");
    assertThat(r.message()).startsWith("authentication failed at " + url + ": the target names no user, so rsync logged in as '" + sent
        + "' (from $USER, else $LOGNAME, else nobody): write the daemon's auth user in the target (rsync://USER@host/module or"
        + " USER@host::module) (@ERROR: auth failed on module backup").doesNotContain("s3cret", "\n");
  }

  /** No password file and no RSYNC_PASSWORD (a service that lost the shell's): said as no password given, not as a wrong one. */
  @Test
  void anAuthFailureWithNoPasswordAtAllSaysNoneWasGiven() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("RSYNC_PASSWORD") == null, "RSYNC_PASSWORD is set for the tests");
    var daemon = track(RsyncDaemon.builder(Files.createDirectories(work.resolve("module"))).auth("backup", "s3cret").start());
    TransferResult r = sendOne(daemon.url(), TargetOptions.defaults());
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.FATAL);
    assertThat(r.message()).startsWith("authentication failed for user backup at " + Target.parse(daemon.url()).describe() + ": no password"
        + " was given: name a password file (--password-file, password_file) or set RSYNC_PASSWORD in livesync's environment (a service"
        + " does not get the one of your shell) (@ERROR: auth failed on module backup").doesNotContain("\n");
    // with the password, the same target says what it said before: a wrong one is still a wrong one
    TransferResult ok = sendOne(daemon.url(), TargetOptions.builder().passwordFile(daemon.passwordFile()).build());
    assertThat(ok.outcome()).as(ok.message()).isEqualTo(Outcome.OK);
  }

  /**
   * A client password file of the classic setup written with a space at the end of the password
   * ("echo 'oldboy123 ' > /etc/rsync.password"): rsync sends the space, the daemon refuses. doctor warned of
   * the space, but run's failure only said to check the password file; it now names the file, its flag
   * and key, and the space. The password is never shown.
   */
  @Test
  void aRefusedPasswordNamesTheFileItCameFromAndASpaceAtItsEnd() throws Exception {
    var daemon = track(RsyncDaemon.builder(Files.createDirectories(work.resolve("module"))).auth("backup", "s3cret").start());
    Path spaced = TempFiles.privateFile(work.resolve("spaced.password"), "s3cret \n");
    TransferResult r = sendOne(daemon.url(), TargetOptions.builder().passwordFile(spaced).build());
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.FATAL);
    assertThat(r.message()).startsWith("authentication failed for user backup at " + Target.parse(daemon.url()).describe() + ": the password"
        + " in " + spaced + " (--password-file, password_file) is not the one in the daemon's secrets file (its 'backup:' line): its first"
        + " line ends in a space or tab, which rsync sends as part of the password: if the daemon's secret has none, remove it"
        + " (@ERROR: auth failed on module backup").doesNotContain("s3cret", "\n");
    // the same password without the space gets in
    TransferResult ok = sendOne(daemon.url(), TargetOptions.builder().passwordFile(daemon.passwordFile()).build());
    assertThat(ok.outcome()).as(ok.message()).isEqualTo(Outcome.OK);
  }

  /** A host name that does not resolve ('.invalid' never does): retried, and said as a name to check, not as a daemon that is down. */
  @Test
  void aHostNameThatDoesNotResolveIsSaidSo() throws Exception {
    TransferResult r = sendOne("rsync_backup@backup-host.invalid::nfsbackup", TargetOptions.defaults());
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.RETRY);
    assertThat(r.message()).startsWith("the host name backup-host.invalid of rsync://rsync_backup@backup-host.invalid/nfsbackup does not"
        + " resolve on this host: check the name in the target, and /etc/hosts or DNS (").contains("getaddrinfo").doesNotContain("\n");
  }

  @Test
  void aDaemonPortWhereNothingListensSaysToCheckTheDaemonAndThePort() throws Exception {
    int closed = FreePort.find();
    String url = "rsync://127.0.0.1:" + closed + "/nfsbackup";
    TransferResult r = sendOne(url, TargetOptions.defaults());
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.RETRY);
    assertThat(r.message()).startsWith("nothing accepts connections on 127.0.0.1 port " + closed + " for " + url
        + ": is the rsync daemon running there (rsync --daemon, livesync serve), and is the port right? (")
        .contains("Connection refused").doesNotContain("\n");
  }

  private static String unknownModule(String module, int port) {
    return "the rsync daemon at rsync://127.0.0.1:" + port + "/" + module + " has no module '" + module + "': check the module"
        + " name in the target ('rsync rsync://127.0.0.1:" + port + "/' lists the modules of a daemon that lists them; livesync serve's are"
        + " in its --module or [[serve.module]] names); a module with 'list = no' is said to be unknown also to a host its 'hosts allow' or"
        + " 'hosts deny' keep out (the daemon's log then says 'rsync denied on module')";
  }

  @Test
  void aReadOnlyModuleSaysSoAndWhereToChangeIt() throws Exception {
    var daemon = track(RsyncDaemon.builder(Files.createDirectories(work.resolve("module"))).moduleOption("read only", "yes").start());
    TransferResult r = sendOne(daemon.url(), TargetOptions.defaults());
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.FATAL);
    assertThat(r.message()).isEqualTo("the rsync daemon at " + Target.parse(daemon.url()).describe()
        + " has module 'backup' read only: set 'read only = no' for it in the daemon's rsyncd.conf (with livesync serve: no read_only = true"
        + " in its [[serve.module]])");
  }

  @Test
  void aPasswordFileMadeOtherReadableWhileRunningSaysWhichAndHowToFixIt() throws Exception {
    var t = track(TargetFixture.start(Kind.DAEMON, null, true));
    Trees.write(at(src, Bytes.of("f")), "x");
    try (var transport = RsyncTransport.open(src, t.url(), t.options())) {
      assertThat(transport.send(List.of(Bytes.of("f")), false).outcome()).isEqualTo(Outcome.OK);
      Path pw = t.daemon.passwordFile();
      Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));
      TransferResult r = transport.send(List.of(Bytes.of("f")), false);
      assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.FATAL);
      assertThat(r.message()).isEqualTo("password file " + pw + " is accessible by its group or others (mode 0644): run 'chmod 600 " + pw + "'");
    }
  }
}
