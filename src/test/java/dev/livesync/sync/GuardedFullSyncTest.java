package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.settings.MaxDelete;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.transport.DeletionPreview;
import dev.livesync.transport.Drift;
import dev.livesync.transport.ForwardingTransport;
import dev.livesync.transport.FullSyncShard;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.Target;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TransferResult;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full sync under the mass-deletion guard, with real rsync to a local directory and to a daemon,
 * counting the rsyncs it runs: onto an empty target, a look at its top and the copy, with no dry run;
 * against a target that already equals the source (a restart), the look and the dry run alone; a
 * target that differs in anything, however little, is still synced (the entries that differ alone, or
 * the whole tree in one rsync, when the dry run finds little to change); many changes go in parts.
 */
class GuardedFullSyncTest {
  private final byte[] src = Trees.tempDir("guarded-src");
  private final byte[] dst = Trees.tempDir("guarded-dst");
  private final byte[] state = Trees.tempDir("guarded-state");
  private RsyncDaemon daemon;

  @AfterEach
  void tearDown() {
    if (daemon != null) daemon.close();
    for (byte[] d : List.of(src, dst, state)) Trees.delete(d);
  }

  /** The rsyncs a full sync runs, by kind. */
  static class Counted extends ForwardingTransport {
    final AtomicInteger dryRuns = new AtomicInteger();
    final AtomicInteger wholes = new AtomicInteger();
    final AtomicInteger parts = new AtomicInteger();
    final AtomicInteger sends = new AtomicInteger();
    /** Looks at the target's top level (a start after a clean stop). */
    final AtomicInteger tops = new AtomicInteger();
    /** Lists the target's top to see whether it is empty. */
    final AtomicInteger looks = new AtomicInteger();
    /** What happens at the source as each whole-tree dry run ends. */
    volatile Runnable afterDryRun = () -> {};
    /** Runs as each part's rsync is about to start. */
    volatile Runnable beforePart = () -> {};

    Counted(RsyncTransport inner) {
      super(inner);
    }

    int all() {
      return dryRuns.get() + wholes.get() + parts.get() + sends.get() + tops.get() + looks.get();
    }

    void reset() {
      for (AtomicInteger n : List.of(dryRuns, wholes, parts, sends, tops, looks)) n.set(0);
    }

    @Override
    public boolean targetEmpty() throws InterruptedException {
      looks.incrementAndGet();
      return super.targetEmpty();
    }

    @Override
    public DeletionPreview fullSyncDeletions() throws InterruptedException {
      dryRuns.incrementAndGet();
      DeletionPreview p = super.fullSyncDeletions();
      afterDryRun.run();
      return p;
    }

    @Override
    public Drift topLevel() throws InterruptedException {
      tops.incrementAndGet();
      return super.topLevel();
    }

    @Override
    public TransferResult fullSync(boolean delete) throws InterruptedException {
      wholes.incrementAndGet();
      return super.fullSync(delete);
    }

    @Override
    public TransferResult fullSync(boolean delete, Consumer<String> progress) throws InterruptedException {
      wholes.incrementAndGet();
      return super.fullSync(delete, progress);
    }

    @Override
    public TransferResult fullSync(FullSyncShard part, boolean delete) throws InterruptedException {
      parts.incrementAndGet();
      beforePart.run();
      return super.fullSync(part, delete);
    }

    @Override
    public TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
      sends.incrementAndGet();
      return super.send(paths, recursive, maxDeletions);
    }

    @Override
    public TransferResult send(List<byte[]> paths, boolean recursive) throws InterruptedException {
      sends.incrementAndGet();
      return super.send(paths, recursive);
    }
  }

  /** Plans the source's parts for 2 rsyncs (as the engine does, with smaller bounds), counting the plans. */
  static final class Planner implements SplitFullSync.Planner {
    final byte[] src;
    final AtomicInteger plans = new AtomicInteger();

    Planner(byte[] src) {
      this.src = src;
    }

    @Override
    public List<FullSyncShard> plan() {
      plans.incrementAndGet();
      return ShardPlanner.plan(TreeCount.of(src, Excludes.NONE, ShardPlanner.floor(2, 50)), 2, 50);
    }

    @Override
    public int parallelism() {
      return 2;
    }

    @Override
    public long fewestChanges() {
      return 50;
    }
  }

  private Counted transport(String kind) throws InterruptedException {
    return transport(kind, "");
  }

  /** {@code below}: a directory in the target ("" for the target itself), with a trailing slash. */
  private Counted transport(String kind, String below) throws InterruptedException {
    var options = TargetOptions.builder();
    if (kind.equals("daemon")) {
      Trees.chmod(dst, 0755);
      daemon = RsyncDaemon.builder(Trees.path(dst)).auth("backup", "pw").start();
      options.passwordFile(daemon.passwordFile());
    }
    String url = daemon != null ? daemon.url() + "/" + below : Bytes.latin1(dst) + "/" + below;
    return new Counted(new RsyncTransport(src, Target.parse(url), options.build()));
  }

  private DeletionGuard guard(Counted t) {
    return new DeletionGuard(t, new MaxDelete(50, -1), new FakeClock(), p -> {
      var st = Libc.lstatOrNull(Bytes.child(src, p));
      return st == null ? -1 : 0;
    }, rel -> TreeCount.entries(src, rel, Excludes.NONE), "s", new HeldDeletions(Trees.path(state).resolve("held")), new RecentNames(new FakeClock()));
  }

  /** 160 files in big/a..d, 8 in small: 188 entries with the top files, enough for parts of 6 to 47. */
  private void sourceTree() {
    for (String d : List.of("big/a", "big/b", "big/c", "big/d", "small")) {
      for (int i = 0; i < (d.startsWith("big") ? 40 : 8); i++) Trees.write(at(src, d + "/f" + i), d + i);
    }
    for (int i = 0; i < 5; i++) Trees.write(at(src, "top" + i), "t" + i);
  }

  /** The first full sync onto an empty target: everything to copy, so in parts, and no dry run first. */
  private void firstSync(DeletionGuard guard, Counted t, Planner planner) throws InterruptedException {
    TransferResult r = guard.fullSync(true, null, planner);
    assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(planner.plans.get()).as("planned").isEqualTo(1);
    assertThat(t.looks.get()).as("looks at the target's top").isEqualTo(1);
    assertThat(t.dryRuns.get()).as("dry runs").isZero();
    assertThat(t.parts.get()).as("rsyncs of parts").isGreaterThan(1);
    Trees.assertSameTree(src, dst);
    t.reset();
    planner.plans.set(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void aRestartAgainstAnEqualTargetIsTheLookAndTheDryRunAlone(String kind) throws Exception {
    sourceTree();
    try (Counted t = transport(kind)) {
      var planner = new Planner(src);
      DeletionGuard guard = guard(t);
      firstSync(guard, t, planner);

      TransferResult r = guard(t).fullSync(true, null, planner); // a new guard: as after a restart
      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(t.looks.get()).as("looks at the target's top").isEqualTo(1);
      assertThat(t.dryRuns.get()).as("dry runs").isEqualTo(1);
      assertThat(t.all()).as("rsyncs in all").isEqualTo(2);
      assertThat(planner.plans.get()).as("the source counted for parts").isZero();
    }
    Trees.assertSameTree(src, dst);
  }

  /**
   * Before rsync's own progress there is a dry run of the whole tree and a count of the source: on
   * 351,020 entries 18-40 s and 3-10 s in which the terminal line and `livesync status` said nothing
   * of the full sync. Each phase says what it does, and the parts' plan shows before the first ends.
   */
  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void eachPhaseBeforeThePartsTellsItsProgress(String kind) throws Exception {
    sourceTree();
    try (Counted t = transport(kind)) {
      var planner = new Planner(src);
      var first = new java.util.concurrent.CopyOnWriteArrayList<String>();
      assertThat(guard(t).fullSync(true, first::add, planner).outcome()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(first).as("onto an empty target: no dry run, so none is said").isNotEmpty()
          .noneMatch(l -> l.startsWith("comparing")).first().isEqualTo("counting the source's entries to cut the tree into parts");
      t.reset();
      for (String d : List.of("big/a", "big/b", "big/c")) {
        for (int i = 0; i < 40; i++) Trees.write(at(src, d + "/f" + i), d + i + " changed, longer");
      }
      var lines = new java.util.concurrent.CopyOnWriteArrayList<String>();
      TransferResult r = guard(t).fullSync(true, lines::add, planner);
      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(t.dryRuns.get()).as("dry runs").isEqualTo(1);
      assertThat(t.parts.get()).as("rsyncs of parts").isGreaterThan(1);
      assertThat(lines.get(0)).isEqualTo("comparing the whole tree with the target first (a dry run: nothing sent yet)");
      assertThat(lines.get(1)).isEqualTo("counting the source's entries to cut the tree into parts");
      assertThat(lines.get(2)).matches("0 0% 0\\.00MB/s \\d+:\\d\\d:\\d\\d \\(xfr#0, to-chk=(\\d+)/\\1\\) parts 0/\\d+");
      assertThat(lines.getLast()).matches(".* 100% .*\\(xfr#\\d+, to-chk=0/\\d+\\) parts (\\d+)/\\1");
    }
    Trees.assertSameTree(src, dst);
  }

  /**
   * A target that holds nothing a full sync sees (only the versions directory), or whose directory is
   * not there yet, is copied in parts with no dry run first; what was there stays. A guard that held
   * deletions lets them go: none of them is at the target any more. A directory not there yet is
   * made before the parts start: rsyncs started side by side would each make it, and all but one
   * failed ("File exists").
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"local, versions only", "daemon, versions only", "local, not there yet", "daemon, not there yet"})
  void anEmptyTargetIsCopiedWithoutADryRunFirst(String kind, String target) throws Exception {
    sourceTree();
    byte[] version = at(dst, ".livesync/versions/2026-12-02T063000Z/small/f1");
    if (target.equals("versions only")) Trees.write(version, "an old version");
    String below = target.equals("not there yet") ? "new/host1/" : "";
    new HeldDeletions(Trees.path(state).resolve("held")).save(List.of(dev.livesync.fs.BytePath.of(Bytes.of("gone/f"))));
    AtomicInteger beforeItsDirectory = new AtomicInteger();
    try (Counted t = transport(kind, below)) {
      t.beforePart = () -> {
        if (!Trees.exists(at(dst, below.isEmpty() ? "." : below))) beforeItsDirectory.incrementAndGet();
      };
      var planner = new Planner(src);
      DeletionGuard guard = guard(t);
      assertThat(guard.held()).as("held from before").isEqualTo(1);
      TransferResult r = guard.fullSync(true, null, planner);
      assertThat(beforeItsDirectory.get()).as("parts started before the target directory was made").isZero();
      assertThat(guard.held()).as("held after").isZero();
      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(t.looks.get()).as("looks at the target's top").isEqualTo(1);
      assertThat(t.dryRuns.get()).as("dry runs").isZero();
      assertThat(t.parts.get()).as("rsyncs of parts").isGreaterThan(1);
    }
    if (below.isEmpty()) {
      assertThat(Bytes.latin1(Trees.read(version))).isEqualTo("an old version");
      Trees.delete(at(dst, ".livesync"));
    }
    Trees.assertSameTree(src, below.isEmpty() ? dst : at(dst, "new/host1"));
  }

  /**
   * However little the target differs, the dry run itemizes it and the full sync runs, never in parts
   * for so few changes: the entries that differ alone, by name, when none is a deletion, else one rsync
   * of the whole tree. The target ends equal, mtimes (of directories too) and modes included.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "local, a file's mtime a second off, send", "daemon, a file's mtime a second off, send",
    "local, a file's mtime a nanosecond off, send", "daemon, a file's mtime a nanosecond off, send",
    "local, a file's content under the same size and mtime, none", "daemon, a file's content under the same size and mtime, none",
    "local, a missing file, send", "daemon, a missing file, send",
    "local, a new directory at the source, send", "daemon, a new directory at the source, send",
    "local, a file's mode, send", "daemon, a file's mode, send",
    "local, a directory's mtime, send", "daemon, a directory's mtime, send",
    "local, an extra file, whole", "daemon, an extra file, whole",
    "local, an extra directory, whole", "daemon, an extra directory, whole",
  })
  void aTargetThatDiffersInOneEntryIsStillSynced(String kind, String difference, String how) throws Exception {
    sourceTree();
    try (Counted t = transport(kind)) {
      var planner = new Planner(src);
      firstSync(guard(t), t, planner);
      byte[] f = at(dst, "big/b/f7");
      switch (difference) {
        case "a file's mtime a second off" -> Trees.setMtime(f, mtime(f).toInstant().getEpochSecond() - 1);
        case "a file's mtime a nanosecond off" -> {
          Instant m = mtime(f).toInstant();
          Files.setLastModifiedTime(Trees.path(f), FileTime.from(m.getNano() == 0 ? m.plusNanos(1) : m.minusNanos(1)));
        }
        case "a file's content under the same size and mtime" -> { // rsync's quick check passes it: a full sync never sent it
          FileTime m = mtime(f);
          Trees.write(f, new StringBuilder(Bytes.latin1(Trees.read(f))).reverse().toString());
          Files.setLastModifiedTime(Trees.path(f), m);
        }
        case "a missing file" -> Trees.delete(f);
        case "a new directory at the source" -> {
          Trees.write(at(src, "big/new/deeper/f"), "new");
          Trees.write(at(src, "big/new/g"), "new");
        }
        case "a file's mode" -> Trees.chmod(f, 0600);
        case "a directory's mtime" -> Trees.setMtime(at(dst, "big/c"), 978_307_200L);
        case "an extra file" -> Trees.write(at(dst, "small/extra"), "not at the source");
        case "an extra directory" -> Trees.write(at(dst, "big/extra/f"), "not at the source");
        default -> throw new IllegalArgumentException(difference);
      }
      byte[] wanted = at(src, "big/b/f7");
      boolean differs = !Trees.differences(src, dst).isEmpty() || !mtime(wanted).equals(mtime(f));
      assertThat(differs).as("the target differs").isTrue();

      TransferResult r = guard(t).fullSync(true, null, planner);
      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(t.dryRuns.get()).as("dry runs").isEqualTo(1);
      assertThat(t.sends.get()).as("rsyncs of the entries that differ").isEqualTo(how.equals("send") ? 1 : 0);
      assertThat(t.wholes.get()).as("rsyncs of the whole tree").isEqualTo(how.equals("whole") ? 1 : 0);
      assertThat(t.parts.get()).as("rsyncs of parts").isZero();
      assertThat(planner.plans.get()).as("the source counted for parts").isZero();
      if (!how.equals("none")) assertThat(mtime(f)).as("to the nanosecond").isEqualTo(mtime(wanted));
    }
    if (!difference.startsWith("a file's content")) Trees.assertSameTree(src, dst);
  }

  /**
   * A file that differed is gone from the source when the entries that differ are sent (it was
   * deleted after the dry run: its deletion is the watches' to send, judged by the guard as any
   * other). That send deletes nothing; the whole tree goes after it, and the target ends equal.
   */
  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void anEntryGoneFromTheSourceSinceTheDryRunLeavesItToTheWholeTree(String kind) throws Exception {
    sourceTree();
    try (Counted t = transport(kind)) {
      var planner = new Planner(src);
      firstSync(guard(t), t, planner);
      Trees.write(at(src, "small/f3"), "changed at the source");
      t.afterDryRun = () -> Trees.delete(at(src, "small/f3"));

      TransferResult r = guard(t).fullSync(true, null, planner);
      assertThat(r.outcome()).as(r.message()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(t.sends.get()).as("rsyncs of the entries that differ").isEqualTo(1);
      assertThat(t.wholes.get()).as("rsyncs of the whole tree").isEqualTo(1);
    }
    Trees.assertSameTree(src, dst);
  }

  private static FileTime mtime(byte[] p) throws java.io.IOException {
    return Files.getLastModifiedTime(Trees.path(p), java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }
}
