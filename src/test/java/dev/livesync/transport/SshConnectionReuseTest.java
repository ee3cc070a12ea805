package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Await;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TargetFixture.Kind;
import dev.livesync.transport.TransferResult.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ssh targets against a real sshd on loopback: every rsync run and every rename rides on one
 * connection master, renames go through one persistent remote shell, and both helpers recover from
 * being killed and are gone after close. Login counts come from sshd's own log.
 */
class SshConnectionReuseTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  private TargetFixture target;
  private byte[] src;


  @BeforeEach
  void setUp() throws Exception {
    target = TargetFixture.start(Kind.SSH, SSHD.get());
    src = Trees.tempDir("ls-src");
    Trees.chmod(src, 0755);
  }

  @AfterEach
  void tearDown() {
    target.close(); // closes the transports it made
    Trees.delete(src);
  }

  /** Waits (bounded) until the master has authenticated and listens on its socket. */
  private static void awaitMasterUp(SshMaster m) throws InterruptedException {
    Await.until("the ssh master listening on its socket", Duration.ofSeconds(30), () -> m.socket() != null && Files.exists(m.socket()) && m.pid().isPresent(),
        () -> "socket " + m.socket() + ", pid " + m.pid());
    assertThat(m.socket()).as("control socket").isNotNull();
    assertThat(Files.exists(m.socket())).as("master listening on " + m.socket()).isTrue();
  }

  private static void awaitGone(long pid) throws InterruptedException {
    Await.until("pid " + pid + " gone", Duration.ofSeconds(30), () -> !alive(pid), () -> ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()));
  }

  /**
   * A remote command that never answers by itself: a sleep with a duration no other process has,
   * so the test can find it (sshd runs it on this machine) and stop it by pid afterwards.
   */
  private record RemoteSleep(String script, String duration) {
    static RemoteSleep create() {
      String d = "599." + (100_000 + new java.util.Random().nextInt(900_000));
      return new RemoteSleep("sleep " + d, d);
    }

    OptionalLong pid() {
      return ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.endsWith("sleep " + duration)).orElse(false))
          .mapToLong(ProcessHandle::pid).findFirst();
    }

    long awaitStarted() throws InterruptedException {
      return Await.value("the remote sleep started", Duration.ofSeconds(60), this::pid, OptionalLong::isPresent).getAsLong();
    }

    void stop() {
      pid().ifPresent(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @ParameterizedTest(name = "perl on the host: {0}")
  @ValueSource(booleans = {true, false})
  void hostileNamesAreRenamedThroughOnePersistentShell(boolean perl) throws Exception {
    RsyncTransport t = target.transport(src);
    if (!perl) t.renamesWithoutPerl();
    Trees.mkdirs(at(target.dir, "a"));
    Trees.mkdirs(at(target.dir, "b"));
    List<byte[]> names = Trees.hostileNames();
    for (byte[] n : names) Trees.write(Bytes.concat(at(target.dir, "a/"), n), n);
    byte[] long1 = Bytes.of("x".repeat(255)), long2 = Bytes.of("y".repeat(255));
    Trees.write(Bytes.child(target.dir, long1), "long");

    OptionalLong shellPid = OptionalLong.empty();
    for (byte[] n : names) {
      assertThat(t.rename(Bytes.concat(Bytes.of("a/"), n), Bytes.concat(Bytes.of("b/"), n))).as(Bytes.display(n)).isTrue();
      if (shellPid.isEmpty()) shellPid = t.renameShell().pid();
      assertThat(t.renameShell().pid()).as("the same shell for every rename").isEqualTo(shellPid);
    }
    assertThat(t.rename(long1, long2)).isTrue();
    for (byte[] n : names) {
      assertThat(Trees.exists(Bytes.concat(at(target.dir, "a/"), n))).as(Bytes.display(n)).isFalse();
      assertThat(Trees.read(Bytes.concat(at(target.dir, "b/"), n))).as(Bytes.display(n)).isEqualTo(n);
    }
    assertThat(Trees.exists(Bytes.child(target.dir, long1))).isFalse();
    assertThat(Trees.read(Bytes.child(target.dir, long2))).isEqualTo(Bytes.of("long"));

    // today's semantics: only an existing old name moves; a failure is false and the session stays
    assertThat(t.rename(Bytes.of("no such file"), Bytes.of("x"))).isFalse();
    assertThat(t.rename(long2, Bytes.of("no/such/parent"))).isFalse();
    Trees.symlink(at(target.dir, "dangling"), Bytes.of("nowhere"));
    assertThat(t.rename(Bytes.of("dangling"), Bytes.of("dangling2"))).as("a dangling symlink is a name too").isTrue();
    assertThat(t.renameShell().pid()).isEqualTo(shellPid);
  }

  @ParameterizedTest(name = "perl on the host: {0}")
  @ValueSource(booleans = {true, false})
  void manyRenamesGoInOneScriptInOrderWithHostileNames(boolean perl) throws Exception {
    RsyncTransport t = target.transport(src);
    if (!perl) t.renamesWithoutPerl();
    Trees.mkdirs(at(target.dir, "a"));
    Trees.mkdirs(at(target.dir, "b"));
    Trees.mkdirs(at(target.dir, "c"));
    List<byte[]> names = Trees.hostileNames();
    List<Transport.Move> moves = new java.util.ArrayList<>();
    for (byte[] n : names) {
      Trees.write(Bytes.concat(at(target.dir, "a/"), n), n);
      moves.add(new Transport.Move(Bytes.concat(Bytes.of("a/"), n), Bytes.concat(Bytes.of("b/"), n))); // a -> b ...
      moves.add(new Transport.Move(Bytes.concat(Bytes.of("b/"), n), Bytes.concat(Bytes.of("c/"), n))); // ... -> c: needs the one before
    }
    Trees.write(at(target.dir, "warm"), "w");
    assertThat(t.rename(Bytes.of("warm"), Bytes.of("warmed"))).isTrue(); // the master and the shell are up
    int logins = SSHD.get().logins();
    assertThat(t.renameAll(moves)).isTrue();
    for (byte[] n : names) {
      assertThat(Trees.exists(Bytes.concat(at(target.dir, "a/"), n))).as(Bytes.display(n)).isFalse();
      assertThat(Trees.exists(Bytes.concat(at(target.dir, "b/"), n))).as(Bytes.display(n)).isFalse();
      assertThat(Trees.read(Bytes.concat(at(target.dir, "c/"), n))).as(Bytes.display(n)).isEqualTo(n);
    }
    // a missing old name fails that one only; the others still move, and the answer is false
    Trees.write(at(target.dir, "p"), "p");
    assertThat(t.renameAll(List.of(new Transport.Move(Bytes.of("gone"), Bytes.of("x")), new Transport.Move(Bytes.of("p"), Bytes.of("q"))))).isFalse();
    assertThat(Trees.read(at(target.dir, "q"))).isEqualTo(Bytes.of("p"));
    assertThat(SSHD.get().logins() - logins).as("no login: the same shell").isZero();
  }

  @Test
  void concurrentRenamesFromSeveralThreadsAllLand() throws Exception {
    RsyncTransport t = target.transport(src);
    int threads = 6, each = 20;
    for (int i = 0; i < threads * each; i++) Trees.write(at(target.dir, "f" + i), "v" + i);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int k = 0; k < threads; k++) {
        int first = k * each;
        done.add(pool.submit((Callable<Integer>) () -> {
          int ok = 0;
          for (int i = first; i < first + each; i++) if (t.rename(Bytes.of("f" + i), Bytes.of("g\n" + i))) ok++;
          return ok;
        }));
      }
      for (Future<Integer> f : done) assertThat(f.get(5, TimeUnit.MINUTES)).isEqualTo(each);
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < threads * each; i++) {
      assertThat(Trees.exists(at(target.dir, "f" + i))).isFalse();
      assertThat(Trees.read(at(target.dir, "g\n" + i))).isEqualTo(Bytes.of("v" + i));
    }
  }

  @Test
  void aShellKilledMidRequestAnswersFalseAndTheNextRenameStartsAnother() throws Exception {
    RsyncTransport t = target.transport(src);
    Trees.write(at(target.dir, "one"), "1");
    assertThat(t.rename(Bytes.of("one"), Bytes.of("two"))).isTrue();
    long first = t.renameShell().pid().orElseThrow();

    // a request that never answers by itself, and the shell killed under it
    ExecutorService pool = Executors.newSingleThreadExecutor();
    var sleep = RemoteSleep.create();
    try {
      Future<Integer> hanging = pool.submit(() -> t.renameShell().run(Bytes.of(sleep.script())));
      sleep.awaitStarted();
      ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
      assertThat(hanging.get(2, TimeUnit.MINUTES)).isEqualTo(-1);
    } finally {
      pool.shutdownNow();
      sleep.stop();
    }
    awaitGone(first);
    assertThat(t.rename(Bytes.of("two"), Bytes.of("three"))).as("a new session after the dead one").isTrue();
    assertThat(Trees.read(at(target.dir, "three"))).isEqualTo(Bytes.of("1"));
    assertThat(t.renameShell().pid().orElseThrow()).isNotEqualTo(first);
  }

  @Test
  void aShellThatDoesNotAnswerInTimeIsKilledAndReplaced() throws Exception {
    // long enough for a first session on a loaded machine; the silent request below still takes it all
    var options = target.options().toBuilder().timeout(java.time.Duration.ofSeconds(8)).build();
    try (var master = new SshMaster(SshCommand.argv(options), "root@127.0.0.1", "test");
        var shell = new RemoteShell(() -> {
          List<String> argv = new ArrayList<>(SshCommand.argv(options));
          argv.addAll(master.clientOptions());
          argv.addAll(List.of("-T", "root@127.0.0.1", "sh"));
          return argv;
        }, 8_000_000_000L, "test")) {
      assertThat(shell.run(Bytes.of("exit 7"))).isEqualTo(7);
      long first = shell.pid().orElseThrow();
      var sleep = RemoteSleep.create();
      try {
        assertThat(shell.run(Bytes.of(sleep.script()))).isEqualTo(-1);
      } finally {
        sleep.stop();
      }
      assertThat(alive(first)).as("the silent session is killed").isFalse();
      assertThat(shell.run(Bytes.of("true"))).isZero();
      assertThat(shell.pid().orElseThrow()).isNotEqualTo(first);
      // stdout of a script never passes for an answer, even one that looks like an answer
      assertThat(shell.run(Bytes.of("echo '@livesync-0000000000000000 1 0'; exit 3"))).isEqualTo(3);
    }
  }

  @Test
  void sendsKeepWorkingWhenTheMasterIsKilledAndTheMasterComesBack() throws Exception {
    RsyncTransport t = target.transport(src);
    Trees.write(at(src, "f0"), "0");
    assertThat(t.send(List.of(Bytes.of("f0")), false).outcome()).isEqualTo(Outcome.OK);
    awaitMasterUp(t.sshMaster());
    long first = t.sshMaster().pid().orElseThrow();

    ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL: its socket file stays behind
    awaitGone(first);
    Trees.write(at(src, "f1"), "1");
    TransferResult r = t.send(List.of(Bytes.of("f1")), false);
    assertThat(r.outcome()).as("falls back to a login of its own: " + r.message()).isEqualTo(Outcome.OK);
    assertThat(Trees.read(at(target.dir, "f1"))).isEqualTo(Bytes.of("1"));

    // restarted on a later use (at most once per interval), then used again
    long second = -1;
    for (int i = 0; i < 60 && second < 0; i++) {
      Trees.write(at(src, "g" + i), "g");
      assertThat(t.send(List.of(Bytes.of("g" + i)), false).outcome()).isEqualTo(Outcome.OK);
      OptionalLong p = t.sshMaster().pid();
      if (p.isPresent() && p.getAsLong() != first) second = p.getAsLong();
      else Thread.sleep(500);
    }
    assertThat(second).as("a new master").isPositive();
    awaitMasterUp(t.sshMaster());
    int logins = SSHD.get().logins();
    Trees.write(at(src, "h"), "h");
    assertThat(t.send(List.of(Bytes.of("h")), false).outcome()).isEqualTo(Outcome.OK);
    assertThat(SSHD.get().logins()).as("the send rode on the new master").isEqualTo(logins);
  }

  @Test
  void renamesAndSendsCostAConstantNumberOfLogins() throws Exception {
    int before = SSHD.get().logins();
    RsyncTransport t = target.transport(src);
    int renames = 60, sends = 25;
    for (int i = 0; i < renames; i++) Trees.write(at(target.dir, "r" + i), "r");
    Trees.write(at(src, "warm"), "w");
    assertThat(t.send(List.of(Bytes.of("warm")), false).outcome()).isEqualTo(Outcome.OK);
    awaitMasterUp(t.sshMaster());
    int warm = SSHD.get().logins();

    for (int i = 0; i < renames; i++) assertThat(t.rename(Bytes.of("r" + i), Bytes.of("s" + i))).isTrue();
    for (int i = 0; i < sends; i++) {
      Trees.write(at(src, "n" + i), "n" + i);
      assertThat(t.send(List.of(Bytes.of("n" + i)), false).outcome()).isEqualTo(Outcome.OK);
    }
    assertThat(t.fullSync(false).outcome()).isEqualTo(Outcome.OK);
    assertThat(t.compare(false).isEmpty()).isFalse(); // the renamed files exist only at the target
    int after = SSHD.get().logins();
    System.out.printf("ssh logins: %d for the first send (master + the send while it authenticated), then %d for %d renames + %d sends + 1 full sync + 1 compare%n",
        warm - before, after - warm, renames, sends);
    assertThat(warm - before).as("the master, and at most the first send's own login").isBetween(1, 2);
    assertThat(after - warm).as("every later run and the rename shell ride on the master").isZero();
  }

  @Test
  void closeStopsEveryHelperAndRemovesTheSocketDirectory() throws Exception {
    RsyncTransport t = target.transport(src);
    Trees.write(at(src, "f"), "f");
    Trees.write(at(target.dir, "old"), "o");
    assertThat(t.send(List.of(Bytes.of("f")), false).outcome()).isEqualTo(Outcome.OK);
    assertThat(t.rename(Bytes.of("old"), Bytes.of("new"))).isTrue();
    awaitMasterUp(t.sshMaster());
    long master = t.sshMaster().pid().orElseThrow();
    long shell = t.renameShell().pid().orElseThrow();
    Path dir = t.sshMaster().socket().getParent();
    assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    List<ProcessHandle> helpers = new ArrayList<>();
    for (long pid : new long[] {master, shell}) {
      ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
      helpers.add(h);
      helpers.addAll(h.descendants().toList());
    }

    t.close();
    for (ProcessHandle h : helpers) assertThat(h.isAlive()).as("pid " + h.pid() + " after close").isFalse();
    assertThat(ProcessHandle.current().descendants().filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains(dir.toString())).orElse(false)))
        .as("no process of ours still names the control socket").isEmpty();
    assertThat(Files.exists(dir)).isFalse();
    t.close(); // idempotent

    // after close: still correct, a login per run, no rename in place, nothing left running
    Trees.write(at(src, "g"), "g");
    assertThat(t.send(List.of(Bytes.of("g")), false).outcome()).isEqualTo(Outcome.OK);
    assertThat(t.rename(Bytes.of("new"), Bytes.of("newer"))).isFalse();
    assertThat(t.sshMaster().pid()).isEmpty();
    assertThat(t.renameShell().pid()).isEmpty();
  }
}
