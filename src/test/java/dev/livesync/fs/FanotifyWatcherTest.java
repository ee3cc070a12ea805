package dev.livesync.fs;

import static dev.livesync.fs.InotifyMask.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Await;
import dev.livesync.testing.LoopFs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fanotify watcher on a loop-mounted ext4 of its own, so the filesystem mark sees only what the
 * test does: the source is a subdirectory, and what happens beside it must not come out.
 */
class FanotifyWatcherTest {
  @TempDir Path tmp;
  private LoopFs fs;
  private Path src;
  private Path other;
  private FanotifyWatcher watcher;
  private final List<WatchEvent> events = new ArrayList<>();

  @BeforeEach
  void mount() throws Exception {
    fs = LoopFs.ext4(tmp, 64);
    src = Files.createDirectory(fs.root().resolve("src"));
    other = Files.createDirectory(fs.root().resolve("other"));
  }

  @AfterEach
  void unmount() throws Exception {
    if (watcher != null) watcher.close();
    fs.close();
  }

  private FanotifyWatcher start(FanotifyWatcher.Marks marks, boolean reportContents) {
    watcher = FanotifyWatcher.builder().mask(IN_ALL_EVENTS).recursive(true).reportNewDirContents(reportContents).marks(marks).build();
    watcher.watch(Bytes.of(src.toString()));
    return watcher;
  }

  private String rel(WatchEvent e) {
    String full = new String(e.fullPath(), StandardCharsets.ISO_8859_1);
    return full.startsWith(src + "/") ? full.substring(src.toString().length() + 1) : full;
  }

  private WatchEvent await(Predicate<WatchEvent> p) {
    return Await.value("a matching event", Duration.ofSeconds(10), () -> {
      for (WatchEvent e : events) if (p.test(e)) return e;
      watcher.poll(100, events::add);
      return null;
    }, e -> e != null, e -> events.size() + " events: "
        + (events.size() > 50 ? events.subList(0, 25) + " ... " + events.subList(events.size() - 25, events.size()) : events));
  }

  private void drain() {
    while (watcher.poll(100, events::add)) {}
  }

  @Test
  void oneMarkSeesTheWholeTreeAndNothingBesideIt() throws Exception {
    Files.createDirectories(src.resolve("a/b/c"));
    start(FanotifyWatcher.Marks.FILESYSTEM, false);
    assertThat(watcher.watchCount()).isEqualTo(1);
    Files.writeString(other.resolve("outside"), "x");
    Files.createDirectories(other.resolve("deep/er"));
    Files.writeString(other.resolve("deep/er/f"), "x");
    Files.writeString(src.resolve("a/b/c/f"), "data");
    WatchEvent e = await(ev -> ev.has(IN_CLOSE_WRITE));
    assertThat(rel(e)).isEqualTo("a/b/c/f");
    assertThat(new String(e.watchPath())).isEqualTo(src + "/a/b/c/");
    assertThat(new String(e.name())).isEqualTo("f");
    drain();
    assertThat(events).allSatisfy(ev -> assertThat(new String(ev.watchPath())).startsWith(src + "/"));
    assertThat(events.stream().filter(ev -> ev.has(IN_CREATE)).map(this::rel)).containsExactly("a/b/c/f");
  }

  @Test
  void aRenameInsideIsAPairedMove() throws Exception {
    Files.createDirectories(src.resolve("d/sub"));
    start(FanotifyWatcher.Marks.FILESYSTEM, false);
    Files.move(src.resolve("d"), src.resolve("e"));
    Files.writeString(src.resolve("e/sub/f"), "x");
    await(ev -> rel(ev).equals("e/sub/f") && ev.has(IN_CLOSE_WRITE));
    WatchEvent from = events.stream().filter(ev -> ev.has(IN_MOVED_FROM)).findFirst().orElseThrow();
    WatchEvent to = events.stream().filter(ev -> ev.has(IN_MOVED_TO)).findFirst().orElseThrow();
    assertThat(rel(from)).isEqualTo("d");
    assertThat(rel(to)).isEqualTo("e");
    assertThat(from.isDir()).isTrue();
    assertThat(from.cookie()).isNotZero().isEqualTo(to.cookie());
  }

  @Test
  void aDirectoryRenamedRightAfterCreationIsSeenUnderItsNewName() throws Exception {
    start(FanotifyWatcher.Marks.FILESYSTEM, true);
    for (int i = 0; i < 50; i++) {
      Path a = Files.createDirectory(src.resolve("n" + i));
      Files.writeString(a.resolve("f"), "x");
      Files.move(a, src.resolve("m" + i));
      Files.writeString(src.resolve("m" + i + "/g"), "y");
    }
    await(ev -> rel(ev).equals("m49/g") && ev.has(IN_CLOSE_WRITE));
    drain();
    for (int i = 0; i < 50; i++) {
      String g = "m" + i + "/g";
      assertThat(events).anySatisfy(ev -> assertThat(rel(ev)).isEqualTo(g));
    }
  }

  @Test
  void movesInAndOutAreHalfMovesAndAMovedInTreeIsReported() throws Exception {
    Files.createDirectories(other.resolve("in/deep"));
    Files.writeString(other.resolve("in/deep/f"), "x");
    Files.createDirectories(src.resolve("out"));
    start(FanotifyWatcher.Marks.FILESYSTEM, true);
    Files.move(other.resolve("in"), src.resolve("in"));
    Files.move(src.resolve("out"), other.resolve("out"));
    await(ev -> rel(ev).equals("out") && ev.has(IN_MOVED_FROM));
    await(ev -> rel(ev).equals("in/deep/f") && ev.has(IN_CREATE) && ev.synthetic());
    drain();
    assertThat(events).filteredOn(ev -> ev.has(IN_MOVED_TO)).singleElement().satisfies(ev -> assertThat(rel(ev)).isEqualTo("in"));
    assertThat(events).filteredOn(ev -> ev.has(IN_MOVED_FROM)).singleElement().satisfies(ev -> assertThat(rel(ev)).isEqualTo("out"));
    // what now happens in the moved-out directory is outside
    Files.writeString(other.resolve("out/later"), "x");
    Files.writeString(src.resolve("in/deep/g"), "x");
    await(ev -> rel(ev).equals("in/deep/g"));
    assertThat(events).noneSatisfy(ev -> assertThat(rel(ev)).contains("later"));
  }

  @Test
  void aDirectoryWrittenInOutsideThenMovedInIsSeenUnderItsNewName() throws Exception {
    Files.createDirectories(other.resolve("busy"));
    Files.createDirectories(src.resolve("seen"));
    start(FanotifyWatcher.Marks.FILESYSTEM, false);
    for (int i = 0; i < 5; i++) Files.writeString(other.resolve("busy/f" + i), "x"); // its path is now known, outside
    Files.writeString(src.resolve("seen/first"), "x");
    await(ev -> rel(ev).equals("seen/first") && ev.has(IN_CLOSE_WRITE)); // the outside writes were read before
    Files.move(other.resolve("busy"), src.resolve("busy"));
    Files.writeString(src.resolve("busy/after"), "x");
    await(ev -> rel(ev).equals("busy/after") && ev.has(IN_CLOSE_WRITE));
    drain();
    assertThat(events).noneSatisfy(ev -> assertThat(new String(ev.fullPath(), StandardCharsets.ISO_8859_1)).contains("other/busy/after"));
  }

  @Test
  void hostileNamesComeThroughAsBytes() throws Exception {
    start(FanotifyWatcher.Marks.FILESYSTEM, false);
    byte[] name = {'a', '\n', 'b', ' ', (byte) 0xff, (byte) 0xfe, '\\', '*'};
    byte[] dir = Bytes.concat(Bytes.of(src + "/"), new byte[] {'-', '-', (byte) 0xe9, '\t'});
    Libc.mkdir(dir, 0755);
    Libc.writeFile(Bytes.concat(dir, new byte[] {'/'}, name), new byte[] {1}, 0644);
    WatchEvent e = await(ev -> ev.has(IN_CLOSE_WRITE));
    assertThat(e.watchPath()).isEqualTo(Bytes.concat(dir, new byte[] {'/'}));
    assertThat(e.name()).isEqualTo(name);
  }

  @Test
  void eventsInADirectoryGoneBeforeTheyAreReadAreDropped_andItsDeletionIsSeen() throws Exception {
    start(FanotifyWatcher.Marks.FILESYSTEM, false);
    Path p = Files.createDirectories(src.resolve("p/q"));
    Files.writeString(p.resolve("f"), "x");
    Files.delete(p.resolve("f"));
    Files.delete(p);
    Files.delete(src.resolve("p"));
    await(ev -> rel(ev).equals("p") && ev.has(IN_DELETE) && ev.isDir());
    drain();
    assertThat(events).allSatisfy(ev -> assertThat(new String(ev.watchPath())).startsWith(src + "/"));
  }

  @Test
  void theRootsDeletionIsDeleteSelf() throws Exception {
    start(FanotifyWatcher.Marks.FILESYSTEM, false);
    Files.delete(src);
    WatchEvent e = await(ev -> ev.has(IN_DELETE_SELF));
    assertThat(new String(e.watchPath())).isEqualTo(src + "/");
    assertThat(e.name()).isEmpty();
  }

  /**
   * fsnotifywait -F -r: MOVE_SELF is of a directory that was in the tree (one moved out: where it was,
   * as inotify says it; one renamed inside: its new name), never of one moved in from outside, which
   * no watch was on (the filesystem mark sees that one move too).
   */
  @Test
  void moveSelfIsOfADirectoryThatWasInTheTree_notOfOneMovedIn() throws Exception {
    try (Fanotify f = Fanotify.open()) {
      org.junit.jupiter.api.Assumptions.assumeTrue(f.reportsTarget(), "FAN_REPORT_TARGET_FID (Linux 5.17)");
    }
    Files.createDirectories(src.resolve("out/x"));
    Files.createDirectories(src.resolve("d1"));
    Files.createDirectories(other.resolve("in/y"));
    watcher = FanotifyWatcher.builder().mask(IN_ALL_EVENTS).recursive(true).selfEvents(true).marks(FanotifyWatcher.Marks.FILESYSTEM).build();
    watcher.watch(Bytes.of(src.toString()));
    Files.move(src.resolve("out"), other.resolve("out"));
    Files.move(other.resolve("in"), src.resolve("in"));
    Files.move(src.resolve("d1"), src.resolve("d2"));
    Files.writeString(src.resolve("end"), "x");
    await(ev -> rel(ev).equals("end") && ev.has(IN_CLOSE_WRITE));
    drain();
    assertThat(events.stream().filter(ev -> ev.has(IN_MOVE_SELF)).map(ev -> new String(ev.watchPath(), StandardCharsets.ISO_8859_1)))
        .containsExactly(src + "/out/", src + "/d2/");
  }

  /**
   * fsnotifywait -F: the watched directory deleted (rm -rf) is DELETE_SELF, as inotify says it. The
   * kernel's own waits for the descriptor the watcher holds, so it comes from the parent's DELETE.
   */
  @Test
  void theRootsDeletionIsDeleteSelfAlsoToFsnotifywait() throws Exception {
    watcher = FanotifyWatcher.builder().mask(IN_ALL_EVENTS).recursive(true).selfEvents(true).marks(FanotifyWatcher.Marks.FILESYSTEM).build();
    watcher.watch(Bytes.of(src.toString()));
    Files.delete(src);
    WatchEvent e = await(ev -> ev.has(IN_DELETE_SELF));
    assertThat(new String(e.watchPath())).isEqualTo(src + "/");
    assertThat(e.name()).isEmpty();
  }

  @Test
  void aMergedCreateAndDeleteComesOutInTheOrderThePresenceSays() throws Exception {
    start(FanotifyWatcher.Marks.FILESYSTEM, false);
    Path f = src.resolve("f");
    Files.writeString(f, "1");
    Files.delete(f);
    Files.writeString(f, "2"); // there at the end: whatever the kernel merged, the last word is not DELETE
    Files.writeString(src.resolve("done"), "");
    await(ev -> rel(ev).equals("done"));
    drain();
    List<WatchEvent> onF = events.stream().filter(ev -> rel(ev).equals("f")).toList();
    int lastDelete = -1, lastCreate = -1;
    for (int i = 0; i < onF.size(); i++) {
      if (onF.get(i).has(IN_DELETE)) lastDelete = i;
      if (onF.get(i).has(IN_CREATE)) lastCreate = i;
    }
    assertThat(lastCreate).as("%s", onF).isGreaterThan(lastDelete);
  }

  @Test
  void aFullQueueIsOneOverflowEvent() throws Exception {
    start(FanotifyWatcher.Marks.FILESYSTEM, false);
    long limit = KernelLimits.fanotifyMaxQueuedEvents();
    assertThat(limit).isPositive().isLessThan(100_000);
    Path d = Files.createDirectory(src.resolve("many"));
    for (int i = 0; i <= limit + 100; i++) Files.createFile(d.resolve("f" + i)); // one CREATE each, not merged
    await(WatchEvent::isOverflow);
  }

  @Test
  void inodeMarksCoverTheTreeAndNewDirectories() throws Exception {
    Files.createDirectories(src.resolve("a/b"));
    start(FanotifyWatcher.Marks.INODE, true);
    assertThat(watcher.watchCount()).isEqualTo(3);
    Files.createDirectories(src.resolve("n/m"));
    await(ev -> rel(ev).equals("n/m") && ev.has(IN_CREATE));
    drain();
    Files.writeString(src.resolve("n/m/f"), "x");
    Files.writeString(src.resolve("a/b/g"), "x");
    Files.writeString(other.resolve("h"), "x");
    await(ev -> rel(ev).equals("n/m/f") && ev.has(IN_CLOSE_WRITE));
    await(ev -> rel(ev).equals("a/b/g") && ev.has(IN_CLOSE_WRITE));
    assertThat(watcher.watchCount()).isEqualTo(5);
    drain();
    assertThat(events).noneSatisfy(ev -> assertThat(rel(ev)).endsWith("/h"));
  }

  /** The source at mnt/a/s: the tests below rename mnt/a (an ancestor) or s itself away and back. */
  private Path nested() throws Exception {
    src = Files.createDirectories(fs.root().resolve("a/s"));
    return src;
  }

  @Test
  void whileAnAncestorIsRenamedAwayItsEventsAreNamedUnderTheRootAsGiven_asInotifyNamesThem() throws Exception {
    Files.createDirectories(nested().resolve("old"));
    start(FanotifyWatcher.Marks.FILESYSTEM, true);
    Files.writeString(src.resolve("first"), "x");
    await(ev -> rel(ev).equals("first") && ev.has(IN_CLOSE_WRITE)); // the root's path is cached
    Path away = fs.root().resolve("b/s");
    Files.move(fs.root().resolve("a"), fs.root().resolve("b"));
    Files.writeString(away.resolve("f"), "new");
    Files.createDirectories(away.resolve("d"));
    Files.writeString(away.resolve("d/g"), "x");
    Files.writeString(away.resolve("old/h"), "x");
    await(ev -> rel(ev).equals("f") && ev.has(IN_CLOSE_WRITE)); // read while it is away
    await(ev -> rel(ev).equals("d/g") && ev.has(IN_CLOSE_WRITE));
    await(ev -> rel(ev).equals("old/h") && ev.has(IN_CLOSE_WRITE));
    Files.move(fs.root().resolve("b"), fs.root().resolve("a"));
    Files.writeString(src.resolve("back"), "x");
    Files.writeString(src.resolve("d/back"), "x");
    await(ev -> rel(ev).equals("back") && ev.has(IN_CLOSE_WRITE));
    await(ev -> rel(ev).equals("d/back") && ev.has(IN_CLOSE_WRITE));
    drain();
    assertThat(events).allSatisfy(ev -> assertThat(new String(ev.watchPath())).startsWith(src + "/"));
  }

  @Test
  void eventsMadeBeforeAnAncestorsRenameButReadAfterItAreKept() throws Exception {
    Files.createDirectories(nested().resolve("sub")); // its handle is not resolved before the rename
    start(FanotifyWatcher.Marks.FILESYSTEM, false);
    Files.writeString(src.resolve("sub/f"), "x");
    Files.move(fs.root().resolve("a"), fs.root().resolve("b")); // read after this: the kernel names sub where it is now
    await(ev -> rel(ev).equals("sub/f") && ev.has(IN_CLOSE_WRITE));
    Files.move(fs.root().resolve("b"), fs.root().resolve("a"));
    Files.writeString(src.resolve("sub/g"), "x");
    await(ev -> rel(ev).equals("sub/g") && ev.has(IN_CLOSE_WRITE));
  }

  @Test
  void theRootRenamedAwayIsMoveSelf_andWhatChangesInItMeanwhileIsNamedAsGiven() throws Exception {
    nested();
    start(FanotifyWatcher.Marks.FILESYSTEM, false);
    Path away = fs.root().resolve("a/t");
    Files.move(src, away);
    WatchEvent self = await(ev -> ev.has(IN_MOVE_SELF));
    assertThat(new String(self.watchPath())).isEqualTo(src + "/");
    Files.writeString(away.resolve("f"), "x");
    await(ev -> rel(ev).equals("f") && ev.has(IN_CLOSE_WRITE));
    Files.move(away, src);
    Files.writeString(src.resolve("g"), "x");
    await(ev -> rel(ev).equals("g") && ev.has(IN_CLOSE_WRITE));
    drain();
    assertThat(events).allSatisfy(ev -> assertThat(new String(ev.watchPath())).startsWith(src + "/"));
  }
}
