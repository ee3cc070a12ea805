package dev.livesync.transport;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TargetFixture.Kind;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole engine (real inotify, {@link Replicator}) over the real transport to each kind of
 * target: a local directory, an rsync daemon with auth, sshd on loopback. After quiescence the target
 * equals the source: tree, bytes, modes, file mtimes.
 */
class EngineOverTransportsTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final byte[] src = Trees.tempDir("eot-src");
  private Replicator replicator;

  @AfterEach
  void tearDown() throws Exception {
    if (replicator != null) replicator.stop(Duration.ofSeconds(10));
    for (AutoCloseable c : cleanup.reversed()) c.close();
    Trees.delete(src);
  }

  private TargetFixture start(Kind kind) throws InterruptedException {
    Trees.chmod(src, 0755);
    var t = TargetFixture.start(kind, SSHD.get());
    cleanup.add(t);
    var s = EngineSettings.builder("eot", src)
        .stateDir(Trees.path(Trees.tempDir("eot-state")))
        .delay(Duration.ofMillis(50))
        .maxHold(Duration.ofMillis(500))
        .retry(Duration.ofMillis(200), Duration.ofSeconds(2))
        .build();
    replicator = Replicator.start(s, List.of(t.transport(src)), null);
    return t;
  }

  /**
   * The engine's renames and sends to an ssh target after the start ride on the connection master:
   * hundreds of them cost no further login (sshd's log counts logins).
   */
  @org.junit.jupiter.api.Test
  void anSshTargetUnderRenamesAndWritesNeedsNoNewLogins() throws Exception {
    for (int i = 0; i < 200; i++) Trees.write(at(src, "d" + i % 10 + "/f" + i), "file " + i);
    int before = SSHD.get().logins();
    var t = start(Kind.SSH);
    Trees.awaitSameTree(src, t.dir, CONVERGE, Trees.Ignore.DIR_MTIMES);
    int started = SSHD.get().logins();

    for (int i = 0; i < 200; i++) {
      Libc.rename(at(src, "d" + i % 10 + "/f" + i), at(src, "d" + i % 10 + "/renamed-" + i));
      if (i % 4 == 0) Trees.write(at(src, "new/n" + i), "new " + i);
    }
    Trees.awaitSameTree(src, t.dir, CONVERGE, Trees.Ignore.DIR_MTIMES);
    int after = SSHD.get().logins();
    System.out.printf("engine over ssh: %d logins to start (initial sync), %d for 200 renames + 50 new files%n", started - before, after - started);
    org.assertj.core.api.Assertions.assertThat(after - started).as("renames and sends after the start log in no more").isZero();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void scriptedChangesConverge(Kind kind) throws Exception {
    Trees.write(at(src, "start/kept.txt"), "there before the start");
    Trees.write(at(src, "start/removed.txt"), "removed while running");
    var t = start(kind);
    Trees.awaitSameTree(src, t.dir, CONVERGE, Trees.Ignore.DIR_MTIMES);

    Libc.mkdir(at(src, "d"), 0750);                                    // mkdir
    Trees.write(at(src, "d/created.txt"), "created");                 // create
    Trees.write(at(src, "start/kept.txt"), "rewritten");              // write
    Trees.append(at(src, "start/kept.txt"), Bytes.of(" + appended")); // append
    Trees.write(at(src, "big.bin"), new byte[300_000]);
    try (var ch = FileChannel.open(Trees.path(at(src, "big.bin")), StandardOpenOption.WRITE)) {
      ch.truncate(1234);                                              // truncate
    }
    Trees.chmod(at(src, "d/created.txt"), 0640);                      // chmod
    Trees.chmod(at(src, "start"), 0700);
    Libc.rename(at(src, "d/created.txt"), at(src, "d/renamed.txt"));  // rename file
    Trees.write(at(src, "tree/a/b/c.txt"), "c");
    Libc.rename(at(src, "tree"), at(src, "tree-renamed"));            // rename dir
    Trees.delete(at(src, "start/removed.txt"));                       // delete
    Libc.mkdir(at(src, "empty"), 0755);
    Libc.rmdir(at(src, "empty"));                                     // rmdir
    Trees.setMtime(at(src, "start/kept.txt"), 1_000_000_000L);        // an old mtime is kept too
    Trees.awaitSameTree(src, t.dir, CONVERGE, Trees.Ignore.DIR_MTIMES);

    Libc.rename(at(src, "tree-renamed/a"), at(src, "a-up"));          // rename a dir out of a renamed dir
    Trees.delete(at(src, "a-up/b/c.txt"));
    Libc.rmdir(at(src, "a-up/b"));
    Trees.awaitSameTree(src, t.dir, CONVERGE, Trees.Ignore.DIR_MTIMES);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void hostileNamesConverge(Kind kind) throws Exception {
    var t = start(kind);
    int i = 0;
    for (byte[] name : Trees.hostileNames()) {
      Trees.write(Bytes.child(src, name), Bytes.concat(Bytes.of("top " + i++ + " "), name));
      byte[] dir = Bytes.concat(Bytes.of("dirs/"), name);
      Trees.write(Bytes.child(Bytes.child(src, dir), Bytes.of("f")), name);
    }
    byte[] deep = Bytes.child(src, Trees.deepPath(60));
    Trees.write(Bytes.child(deep, Bytes.of("leaf")), "deep");
    Trees.awaitSameTree(src, t.dir, CONVERGE, Trees.Ignore.DIR_MTIMES);

    // renames and deletes of hostile names (daemon targets: delete + send; local/ssh: renames)
    for (byte[] name : Trees.hostileNames()) {
      byte[] renamed = Bytes.concat(name.length > 250 ? java.util.Arrays.copyOf(name, 200) : name, Bytes.of(".moved"));
      Libc.rename(Bytes.child(src, name), Bytes.child(Bytes.child(src, Bytes.of("dirs")), renamed));
    }
    for (byte[] name : Trees.hostileNames()) {
      byte[] dir = Bytes.child(Bytes.child(src, Bytes.of("dirs")), name);
      Trees.delete(Bytes.child(dir, Bytes.of("f")));
      Libc.rmdir(dir);
    }
    Trees.awaitSameTree(src, t.dir, CONVERGE, Trees.Ignore.DIR_MTIMES);
  }
}
