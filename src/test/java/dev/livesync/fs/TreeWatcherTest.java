package dev.livesync.fs;

import static dev.livesync.fs.InotifyMask.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeWatcherTest {
  @TempDir Path tmp;
  private TreeWatcher watcher;
  private final List<WatchEvent> events = new ArrayList<>();

  @AfterEach
  void close() {
    if (watcher != null) watcher.close();
  }

  private TreeWatcher start(boolean reportContents) {
    watcher = TreeWatcher.builder().mask(IN_ALL_EVENTS).recursive(true).reportNewDirContents(reportContents).build();
    watcher.watch(Bytes.of(tmp.toString()));
    return watcher;
  }

  private String rel(WatchEvent e) {
    String full = new String(e.fullPath(), java.nio.charset.StandardCharsets.ISO_8859_1);
    return full.substring(tmp.toString().length() + 1);
  }

  /** Polls until an event matches (events are real, so they arrive quickly; the bound only stops a hang). */
  private WatchEvent await(Predicate<WatchEvent> p) {
    return Await.value("a matching event", Duration.ofSeconds(10), () -> {
      for (WatchEvent e : events) if (p.test(e)) return e;
      watcher.poll(100, events::add);
      return null;
    }, e -> e != null, e -> events);
  }

  private void drain() {
    while (watcher.poll(50, events::add)) {}
  }

  @Test
  void watchesEveryDirectoryOfATree() throws Exception {
    Files.createDirectories(tmp.resolve("a/b/c"));
    Files.createDirectories(tmp.resolve("x"));
    start(false);
    assertThat(watcher.watchCount()).isEqualTo(5);
    Files.writeString(tmp.resolve("a/b/c/f"), "data");
    WatchEvent e = await(ev -> ev.has(IN_CLOSE_WRITE));
    assertThat(rel(e)).isEqualTo("a/b/c/f");
    assertThat(new String(e.watchPath())).isEqualTo(tmp + "/a/b/c/");
    assertThat(new String(e.name())).isEqualTo("f");
  }

  @Test
  void filesMadeInANewDirBeforeItsWatchAreReportedAsSynthetic() throws Exception {
    start(true);
    Files.createDirectories(tmp.resolve("new/deep/er"));
    Files.writeString(tmp.resolve("new/deep/er/file"), "x");
    WatchEvent e = await(ev -> rel(ev).equals("new/deep/er/file") && ev.has(IN_CREATE));
    assertThat(e.isDir()).isFalse();
    drain();
    assertThat(watcher.watchCount()).isEqualTo(4);
    // Whatever was seen, each directory of the new tree was reported as created.
    assertThat(events.stream().filter(ev -> ev.has(IN_CREATE) && ev.isDir()).map(this::rel))
        .contains("new", "new/deep", "new/deep/er");
  }

  @Test
  void renamedDirectoryKeepsReportingUnderItsNewName() throws Exception {
    Files.createDirectories(tmp.resolve("old/sub"));
    start(false);
    Files.move(tmp.resolve("old"), tmp.resolve("renamed"));
    await(ev -> ev.has(IN_MOVED_TO) && rel(ev).equals("renamed"));
    drain();
    events.clear();
    Files.writeString(tmp.resolve("renamed/sub/f"), "x");
    WatchEvent e = await(ev -> ev.has(IN_CLOSE_WRITE));
    assertThat(rel(e)).isEqualTo("renamed/sub/f");
    assertThat(watcher.watchCount()).isEqualTo(3);
  }

  @Test
  void movePairsShareACookie() throws Exception {
    Files.writeString(tmp.resolve("a"), "x");
    start(false);
    Files.move(tmp.resolve("a"), tmp.resolve("b"));
    WatchEvent from = await(ev -> ev.has(IN_MOVED_FROM));
    WatchEvent to = await(ev -> ev.has(IN_MOVED_TO));
    assertThat(from.cookie()).isNotZero().isEqualTo(to.cookie());
  }

  @Test
  void directoryMovedIntoANewDirectoryBeforeItsWatchIsReportedAndStaysWatched() throws Exception {
    Files.createDirectories(tmp.resolve("old/d/sub"));
    Files.writeString(tmp.resolve("old/d/sub/f"), "moved along");
    start(true);
    // both before the watcher reads anything: "fresh" is listed with "d" already inside, and no
    // MOVED_TO pairs d's MOVED_FROM (fresh had no watch when it moved)
    Files.createDirectories(tmp.resolve("fresh"));
    Files.move(tmp.resolve("old/d"), tmp.resolve("fresh/d"));
    drain();
    assertThat(events).filteredOn(WatchEvent::synthetic).extracting(this::rel).contains("fresh/d", "fresh/d/sub", "fresh/d/sub/f");
    assertThat(watcher.watchCount()).isEqualTo(5); // root, old, fresh, fresh/d, fresh/d/sub
    events.clear();
    Files.writeString(tmp.resolve("fresh/d/sub/later"), "made after the move");
    WatchEvent e = await(ev -> ev.has(IN_CLOSE_WRITE));
    assertThat(rel(e)).isEqualTo("fresh/d/sub/later");
  }

  @Test
  void directoryMovedOutIsUnwatchedAndMovedInIsWatched(@TempDir Path outside) throws Exception {
    Files.createDirectories(tmp.resolve("leaving/sub"));
    Files.createDirectories(outside.resolve("arriving/sub"));
    start(false);
    assertThat(watcher.watchCount()).isEqualTo(3);
    Files.move(tmp.resolve("leaving"), outside.resolve("gone"));
    await(ev -> ev.has(IN_MOVED_FROM));
    drain();
    assertThat(watcher.watchCount()).isEqualTo(1);

    Files.move(outside.resolve("arriving"), tmp.resolve("arrived"));
    await(ev -> ev.has(IN_MOVED_TO));
    drain();
    assertThat(watcher.watchCount()).isEqualTo(3);
    events.clear();
    Files.writeString(outside.resolve("gone/sub/f"), "not ours");
    Files.writeString(tmp.resolve("arrived/sub/f"), "ours");
    WatchEvent e = await(ev -> ev.has(IN_CLOSE_WRITE));
    assertThat(rel(e)).isEqualTo("arrived/sub/f");
    drain();
    assertThat(events).noneMatch(ev -> new String(ev.fullPath()).contains("gone"));
  }

  @Test
  void deletedDirectoriesAreDropped() throws Exception {
    Files.createDirectories(tmp.resolve("d/e"));
    start(false);
    Files.delete(tmp.resolve("d/e"));
    Files.delete(tmp.resolve("d"));
    await(ev -> ev.has(IN_DELETE) && rel(ev).equals("d"));
    drain();
    assertThat(watcher.watchCount()).isEqualTo(1);
  }

  @Test
  void excludedSubtreesAreNotWatched() throws Exception {
    Files.createDirectories(tmp.resolve("keep/x"));
    Files.createDirectories(tmp.resolve("cache/x"));
    byte[] cache = Bytes.of(tmp + "/cache");
    watcher = TreeWatcher.builder().recursive(true).excludeDir(p -> Bytes.isUnder(p, cache)).build();
    watcher.watch(Bytes.of(tmp.toString()));
    assertThat(watcher.watchCount()).isEqualTo(3);
  }

  @Test
  void watchedFileReportsEventsOnItself() throws Exception {
    Path f = Files.writeString(tmp.resolve("single"), "x");
    watcher = TreeWatcher.builder().build();
    watcher.watch(Bytes.of(f.toString()));
    Files.writeString(f, "y");
    WatchEvent e = await(ev -> ev.has(IN_CLOSE_WRITE));
    assertThat(new String(e.watchPath())).isEqualTo(f.toString());
    assertThat(e.name()).isEmpty();
  }

  @Test
  void wakeupReturnsABlockedPoll() throws Exception {
    start(false);
    drain();
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(100);
      } catch (InterruptedException ignored) {
      }
      watcher.wakeup();
    });
    t.start();
    assertThat(watcher.poll(-1, events::add)).isFalse();
    t.join();
  }

  /** inotifywait -r shows nothing of its own setup; 6 events per directory would overflow big trees. */
  @Test
  void theInitialScanQueuesNoEventsOfItsOwn() throws Exception {
    for (int i = 0; i < 30; i++) Files.createDirectories(tmp.resolve("d" + i + "/e/f"));
    Files.writeString(tmp.resolve("d0/file"), "x");
    start(false);
    assertThat(watcher.watchCount()).isEqualTo(91);
    drain();
    assertThat(events).isEmpty();
    // and the watches made children first still report under the right paths
    Files.writeString(tmp.resolve("d29/e/f/g"), "x");
    assertThat(rel(await(ev -> ev.has(IN_CLOSE_WRITE)))).isEqualTo("d29/e/f/g");
  }

  /**
   * A new directory is listed by the watcher after it is watched; as with inotifywait, the parent sees
   * that listing (OPEN, ACCESS, CLOSE_NOWRITE on the name) but the new directory's own watch does not,
   * and afterwards its watch has the full mask again.
   */
  @Test
  void aNewDirectoryShowsNoListingEventsOnItsOwnWatch() throws Exception {
    start(false);
    drain();
    Files.createDirectories(tmp.resolve("n/sub"));
    await(ev -> ev.has(IN_CREATE) && rel(ev).equals("n"));
    drain();
    assertThat(watcher.watchCount()).isEqualTo(3);
    assertThat(events).noneMatch(ev -> ev.name().length == 0 && ev.has(IN_OPEN | IN_ACCESS | IN_CLOSE_NOWRITE));
    events.clear();
    try (var list = Files.list(tmp.resolve("n/sub"))) {
      assertThat(list).isEmpty();
    }
    WatchEvent own = await(ev -> ev.has(IN_OPEN) && ev.name().length == 0);
    assertThat(new String(own.watchPath())).isEqualTo(tmp + "/n/sub/");
  }

  @Test
  void forEachWatchVisitsEveryWatchInDescriptorOrder() throws Exception {
    Files.createDirectories(tmp.resolve("a/b"));
    Files.createDirectories(tmp.resolve("c"));
    start(false);
    List<Integer> wds = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    watcher.forEachWatch(0, (wd, path) -> {
      wds.add(wd);
      paths.add(new String(path));
    });
    assertThat(wds).isSorted().hasSize(4);
    assertThat(paths).containsExactlyInAnyOrder(tmp + "/", tmp + "/a/", tmp + "/a/b/", tmp + "/c/");
    List<Integer> later = new ArrayList<>();
    watcher.forEachWatch(wds.get(2), (wd, path) -> later.add(wd));
    assertThat(later).containsExactly(wds.get(2), wds.get(3));
  }

  @Test
  void missingRootIsAClearError() {
    watcher = TreeWatcher.builder().build();
    assertThatThrownBy(() -> watcher.watch(Bytes.of(tmp + "/absent")))
        .isInstanceOf(NativeException.class)
        .hasMessageContaining(tmp + "/absent")
        .hasMessageContaining("no such file or directory");
  }

  /**
   * Found by the reliability suite (scenario 1: files made in {@code m336/d91/d325} never reached
   * any target): a directory made just before an ancestor is renamed cannot be watched under the
   * path its CREATE names; it must be watched (and listed) under the new path once the rename is read.
   * Both happen before the watcher reads anything, so the order is fixed: no timing involved.
   */
  @Test
  void aDirectoryMadeJustBeforeAnAncestorIsRenamedIsWatchedUnderItsNewPath() throws Exception {
    Files.createDirectories(tmp.resolve("m1/d"));
    start(true);
    Files.createDirectories(tmp.resolve("m1/d/new/sub"));
    Files.write(tmp.resolve("m1/d/new/sub/early"), new byte[] {1});
    Files.move(tmp.resolve("m1"), tmp.resolve("m2"));
    drain();
    assertThat(events).as("what the new directory held, reported under the new path")
        .anyMatch(e -> rel(e).equals("m2/d/new/sub/early") && e.has(IN_CREATE));
    Files.write(tmp.resolve("m2/d/new/late"), new byte[] {2});
    Files.write(tmp.resolve("m2/d/new/sub/late"), new byte[] {3});
    await(e -> rel(e).equals("m2/d/new/late") && e.has(IN_CLOSE_WRITE));
    await(e -> rel(e).equals("m2/d/new/sub/late") && e.has(IN_CLOSE_WRITE));
    assertThat(watcher.watchCount()).as("root, m2, d, new, sub").isEqualTo(5);
  }

  /**
   * Found by a tester (data loss, status ok): a new directory renamed while a new one takes its old
   * name, all before the watcher reads the CREATE. The CREATE's name then holds the second directory,
   * so the watch taken by name went on it, and the rename moved that watch's node to the first one's
   * new name: the directory really there was never watched. All done before the watcher reads
   * anything, so the order is fixed: no timing involved.
   */
  @Test
  void aNewDirectoryRenamedWhileAnotherTakesItsNameIsWatchedUnderItsNewName() throws Exception {
    start(true);
    drain();
    Files.createDirectories(tmp.resolve("n/sub"));
    Files.writeString(tmp.resolve("n/sub/early"), "made before the rename");
    Files.move(tmp.resolve("n"), tmp.resolve("n2"));
    Files.createDirectories(tmp.resolve("n"));
    drain();
    assertThat(events).as("what the renamed directory held, reported under its new name")
        .anyMatch(e -> rel(e).equals("n2/sub/early") && e.has(IN_CREATE));
    assertThat(watcher.watchCount()).as("root, n2, n2/sub, n").isEqualTo(4);
    events.clear();
    Files.writeString(tmp.resolve("n2/sub/x"), "x");
    Files.writeString(tmp.resolve("n2/z"), "z");
    Files.writeString(tmp.resolve("n/y"), "y");
    await(e -> rel(e).equals("n2/sub/x") && e.has(IN_CLOSE_WRITE));
    await(e -> rel(e).equals("n2/z") && e.has(IN_CLOSE_WRITE));
    await(e -> rel(e).equals("n/y") && e.has(IN_CLOSE_WRITE));
    drain();
    assertThat(events).as("nothing under a wrong name").noneMatch(e -> rel(e).startsWith("n/sub") || rel(e).equals("n2/y"));
  }

  /**
   * The same race, repeated on the name: the first directory renamed to n2, a second made as n and
   * renamed to n3, a third made as n. Each CREATE of n is read when another directory holds the name.
   */
  @Test
  void aChainOfNewDirectoriesTakingOneNameIsWatchedUnderTheirNewNames() throws Exception {
    start(true);
    drain();
    Files.createDirectories(tmp.resolve("n/sub"));
    Files.move(tmp.resolve("n"), tmp.resolve("n2"));
    Files.createDirectories(tmp.resolve("n/sub3"));
    Files.move(tmp.resolve("n"), tmp.resolve("n3"));
    Files.createDirectories(tmp.resolve("n"));
    drain();
    assertThat(watcher.watchCount()).as("root, n2, n2/sub, n3, n3/sub3, n").isEqualTo(6);
    events.clear();
    for (String f : List.of("n2/sub/a", "n2/b", "n3/sub3/c", "n3/d", "n/e")) Files.writeString(tmp.resolve(f), f);
    for (String f : List.of("n2/sub/a", "n2/b", "n3/sub3/c", "n3/d", "n/e")) await(e -> rel(e).equals(f) && e.has(IN_CLOSE_WRITE));
  }

  /**
   * A watched directory moved into a directory of that race (the renamed one, not yet watched, so no
   * MOVED_TO pairs its MOVED_FROM): found and watched under its new path when the renamed one is listed.
   */
  @Test
  void aDirectoryMovedIntoANewDirectoryRenamedWhileAnotherTakesItsNameStaysWatched() throws Exception {
    Files.createDirectories(tmp.resolve("ch2/deep"));
    start(true);
    drain();
    Files.createDirectories(tmp.resolve("q"));
    Files.move(tmp.resolve("q"), tmp.resolve("q2"));
    Files.createDirectories(tmp.resolve("q"));
    Files.move(tmp.resolve("ch2"), tmp.resolve("q2/ch2"));
    drain();
    assertThat(watcher.watchCount()).as("root, q2, q2/ch2, q2/ch2/deep, q").isEqualTo(5);
    events.clear();
    Files.writeString(tmp.resolve("q2/ch2/deep/f"), "f");
    Files.writeString(tmp.resolve("q/g"), "g");
    await(e -> rel(e).equals("q2/ch2/deep/f") && e.has(IN_CLOSE_WRITE));
    await(e -> rel(e).equals("q/g") && e.has(IN_CLOSE_WRITE));
  }

  /**
   * The same race with a watched directory: a new one exchanged with it (renameat2 RENAME_EXCHANGE)
   * before its CREATE is read. The CREATE's name then holds the watched one; the new one, now under
   * the watched one's old name, must be watched there, and the watched one keep reporting under the
   * new one's name.
   */
  @Test
  void aNewDirectoryExchangedWithAWatchedOneBeforeItsCreateIsReadIsWatchedUnderItsName() throws Exception {
    Files.createDirectories(tmp.resolve("old/deep"));
    start(true);
    drain();
    Files.createDirectories(tmp.resolve("fresh/sub"));
    dev.livesync.testing.Trees.exchange(Bytes.of(tmp + "/old"), Bytes.of(tmp + "/fresh"));
    drain();
    assertThat(watcher.watchCount()).as("root, old, old/sub, fresh, fresh/deep").isEqualTo(5);
    events.clear();
    for (String f : List.of("old/sub/a", "old/b", "fresh/deep/c", "fresh/d")) Files.writeString(tmp.resolve(f), f);
    for (String f : List.of("old/sub/a", "old/b", "fresh/deep/c", "fresh/d")) await(e -> rel(e).equals(f) && e.has(IN_CLOSE_WRITE));
  }

  /**
   * Found by a tester (data loss): a watched directory moved into a new directory and out of it again
   * before the watcher reads anything. Its MOVED_FROM out of old has no MOVED_TO (fresh had no watch),
   * and the MOVED_TO of e none in the same read to pair with: e's watch is found to be d's and moved
   * there, but the unpaired MOVED_FROM still stood for d leaving the tree, and unwatched it at the end
   * of the read. All done before the watcher reads anything, so the order is fixed: no timing involved.
   */
  @Test
  void aWatchedDirectoryMovedIntoANewDirectoryAndOutAgainStaysWatched() throws Exception {
    Files.createDirectories(tmp.resolve("old/d/sub"));
    start(true);
    drain();
    Files.createDirectories(tmp.resolve("fresh"));
    Files.move(tmp.resolve("old/d"), tmp.resolve("fresh/d"));
    Files.move(tmp.resolve("fresh/d"), tmp.resolve("e"));
    drain();
    assertThat(watcher.watchCount()).as("root, old, fresh, e, e/sub").isEqualTo(5);
    events.clear();
    for (String f : List.of("e/a", "e/sub/b")) Files.writeString(tmp.resolve(f), f);
    for (String f : List.of("e/a", "e/sub/b")) await(e -> rel(e).equals(f) && e.has(IN_CLOSE_WRITE));
  }

  /** The same with the new directory renamed after the move into it: d is found when the new name is listed. */
  @Test
  void aWatchedDirectoryMovedIntoANewDirectoryThenRenamedStaysWatched() throws Exception {
    Files.createDirectories(tmp.resolve("old/d/sub"));
    start(true);
    drain();
    Files.createDirectories(tmp.resolve("fresh"));
    Files.move(tmp.resolve("old/d"), tmp.resolve("fresh/d"));
    Files.move(tmp.resolve("fresh"), tmp.resolve("fresh2"));
    drain();
    assertThat(watcher.watchCount()).as("root, old, fresh2, fresh2/d, fresh2/d/sub").isEqualTo(5);
    events.clear();
    for (String f : List.of("fresh2/d/a", "fresh2/d/sub/b")) Files.writeString(tmp.resolve(f), f);
    for (String f : List.of("fresh2/d/a", "fresh2/d/sub/b")) await(e -> rel(e).equals(f) && e.has(IN_CLOSE_WRITE));
  }

  /** A directory made and removed before its CREATE is read is not waited for (nor watched) after. */
  @Test
  void aDirectoryGoneBeforeItsCreateIsReadIsForgotten() throws Exception {
    Files.createDirectories(tmp.resolve("m1/d"));
    start(true);
    Files.createDirectories(tmp.resolve("m1/d/brief"));
    Files.delete(tmp.resolve("m1/d/brief"));
    Files.move(tmp.resolve("m1"), tmp.resolve("m2"));
    Files.createDirectories(tmp.resolve("m2/d/brief2"));
    drain();
    assertThat(watcher.watchCount()).as("root, m2, d, brief2").isEqualTo(4);
  }

  /** The setup is counted as it goes (status and the log read it from another thread): every directory listed, then watched. */
  @Test
  void theSetupOfTheWatchesIsCounted() throws Exception {
    for (int i = 0; i < 30; i++) Files.createDirectories(tmp.resolve("d" + i).resolve("s" + i % 3));
    var progress = new WatchProgress();
    progress.expect(100);
    watcher = TreeWatcher.builder().mask(IN_ALL_EVENTS).recursive(true).progress(progress).build();
    watcher.watch(Bytes.of(tmp.toString()));
    progress.done();
    assertThat(progress.watchedDirs()).isEqualTo(61).isEqualTo(watcher.watchCount());
    assertThat(progress.listedDirs()).isEqualTo(61);
    assertThat(progress.describe()).startsWith("61 directories watched (61 found so far) of about 100 (the count at the last start)");
    long elapsed = progress.elapsedNanos();
    Thread.sleep(20);
    assertThat(progress.elapsedNanos()).as("stops counting time once done").isEqualTo(elapsed);
  }
}
