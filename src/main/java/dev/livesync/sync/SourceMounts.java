package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.MountWatch;
import dev.livesync.fs.NativeException;
import dev.livesync.fs.Watcher;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts and unmounts below one sync's source while it runs ({@link MountWatch}; a mount on the
 * source itself makes it another directory: {@link SourceCheck}). A watch is on a directory, not a
 * path: without this a tree mounted below the source was never watched, and only full syncs copied
 * it. Now the watcher watches what shows at the mount point ({@link Watcher#watchMountPoint}: a
 * rescan of that subtree, not of the source), and the mount point goes to every target whole, as a
 * directory moved in from outside: mirrored, so that after an unmount the targets' copy becomes the
 * directory under it again, its deletions judged by the mass-deletion guard as any mirroring send's.
 * One line in the log each. What the watcher cannot watch (fanotify: another filesystem, a bind
 * mount) counts as a directory not watched in status, with why, until it is unmounted. Loop thread;
 * the changes come from MountWatch's thread, which wakes the loop.
 */
final class SourceMounts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Replicator.class);

  private final EngineSettings settings;
  private final byte[] root; // as given, with a slash
  private final Runnable wake;
  private final ConcurrentLinkedQueue<MountWatch.Change> changes = new ConcurrentLinkedQueue<>();
  /** Mount points whose tree the watcher cannot watch, and why; read by status from other threads. */
  private final ConcurrentSkipListMap<String, String> unwatched = new ConcurrentSkipListMap<>();
  private MountWatch watch;
  private int realLength;

  SourceMounts(EngineSettings settings, byte[] root, Runnable wake) {
    this.settings = settings;
    this.root = root;
    this.wake = wake;
  }

  /** Follows the mounts below the source from now on: before the watches are set, so that a mount meanwhile is told after them. */
  void open() {
    try {
      watch = MountWatch.below(settings.source(), c -> {
        changes.addAll(c);
        wake.run();
      });
      realLength = watch.realPrefix().length;
    } catch (NativeException e) {
      log.warn("sync '{}': mounts below {} are not followed ({}): a filesystem mounted there while livesync runs is not watched; full syncs copy it",
          settings.name(), Bytes.display(settings.source()), e.getMessage());
    }
  }

  /** After a watcher is set up: what it cannot watch of the mounts below the source is said and counted (inotify's setup walked into them). */
  void check(Watcher w) {
    if (watch == null || !w.kind().equals("fanotify")) return;
    for (MountWatch.Change c : watch.now()) {
      byte[] rel = rel(c);
      if (rel != null) said(c, rel, unwatchedWhy(w, Bytes.concat(root, rel)), false);
    }
  }

  /** Whether mounts changed below the source and the loop has not taken them yet. */
  boolean pending() {
    return !changes.isEmpty();
  }

  /**
   * The mounts changed since the last call: each mount point watched anew and queued whole, {@code
   * live} told of it (a start's look at the top level); true when there were any.
   */
  boolean apply(Watcher w, Coalescer coalescer, Consumer<byte[]> live) {
    boolean any = false;
    for (MountWatch.Change c; (c = changes.poll()) != null; ) {
      byte[] rel = rel(c);
      if (rel == null || dev.livesync.settings.Versions.reserved(rel)) continue; // the source's own .livesync: never replicated
      byte[] dir = Bytes.concat(root, rel);
      said(c, rel, unwatchedWhy(w, dir), true);
      Libc.Stat st = Libc.statOrNull(dir);
      coalescer.movedTo(0, rel, st == null || st.isDir()); // cookie 0 pairs with no MOVED_FROM: a tree moved in, sent whole
      live.accept(rel);
      any = true;
    }
    return any;
  }

  /** Why {@code w} cannot watch the mount point {@code dir}, and with fanotify what would, as the user sets it (--watcher inotify, watcher = "inotify"). */
  private String unwatchedWhy(Watcher w, byte[] dir) {
    String why = w.watchMountPoint(dir);
    if (why == null || !w.kind().equals("fanotify")) return why;
    return why + " (" + settings.watcherSetting().apply(dev.livesync.fs.WatcherChoice.Kind.INOTIFY) + " watches it)";
  }

  private void said(MountWatch.Change c, byte[] rel, String why, boolean changed) {
    String at = Bytes.display(Bytes.concat(root, rel));
    unwatched.keySet().removeIf(p -> p.equals(c.mountPoint()) || p.startsWith(c.mountPoint() + "/")); // what showed there went
    if (why != null) unwatched.put(c.mountPoint(), "cannot watch " + at + ": " + why);
    String what = c.now() == null ? "unmounted" : "mounted (" + c.now().type() + " " + c.now().device()
        + (c.now().root().equals("/") ? "" : ", " + c.now().root() + " of it") + ")";
    if (!changed) {
      if (why != null) log.warn("sync '{}': {} is {} below the source, and {}: changes below it are not replicated live, only by full syncs "
          + "(the start's, a schedule's)", settings.name(), at, what, why);
    } else if (why != null) {
      log.warn("sync '{}': {} was {} below the source; {}: changes below it are not replicated live, only by full syncs "
          + "(a schedule's); sending it whole to every target now", settings.name(), at, what, why);
    } else {
      log.info("sync '{}': {} was {} below the source: watching what shows there now and sending it whole to every target{}",
          settings.name(), at, what, c.now() == null ? " (the directory under it shows again: what was mounted goes from the targets, "
              + "as the delete policy and the mass-deletion guard let it)" : "");
    }
  }

  /** The mount point relative to the source; null when it or a directory above it is excluded. */
  private byte[] rel(MountWatch.Change c) {
    byte[] real = Bytes.fromLatin1(c.mountPoint());
    byte[] rel = Arrays.copyOfRange(real, realLength, real.length);
    for (int i = 1; i <= rel.length; i++) {
      if ((i == rel.length || rel[i] == '/') && settings.excludes().excluded(Arrays.copyOf(rel, i), true)) return null;
    }
    return rel;
  }

  /** Mount points below the source whose tree is not watched. */
  int unwatched() {
    return unwatched.size();
  }

  /** The first of them and why; empty when none. */
  String firstUnwatched() {
    var first = unwatched.firstEntry();
    return first == null ? "" : first.getValue() + "; changes below it reach the targets only with full syncs";
  }

  @Override
  public void close() {
    if (watch != null) watch.close();
  }
}
