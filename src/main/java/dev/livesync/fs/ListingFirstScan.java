package dev.livesync.fs;

import static dev.livesync.fs.InotifyMask.IN_DONT_FOLLOW;
import static dev.livesync.fs.InotifyMask.IN_ONLYDIR;

import dev.livesync.fs.WatchTable.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The initial scan of a tree when a {@link TreeWatcher}'s listings must stay out of the event queue
 * (inotifywait's compatibility, see its class comment): each directory is listed before it is
 * watched and watched after its subdirectories (post-order, siblings in directory order, as
 * inotify-tools does), so no watch exists on a directory or its parent while it is listed.
 */
record ListingFirstScan(Inotify inotify, WatchTable table, int kernelMask, Predicate<byte[]> excludeDir,
    WatchErrorHandler onError, WatchProgress progress) {
  private static final byte[] SLASH = {'/'};

  /** A directory of the scan, listed but not yet watched. */
  private static final class Pending {
    final byte[] path;
    final byte[] name;
    final List<byte[]> subdirs;
    int next;
    List<Node> watched;

    Pending(byte[] path, byte[] name, List<byte[]> subdirs) {
      this.path = path;
      this.name = name;
      this.subdirs = subdirs;
    }
  }

  /** Watches the tree at {@code given}; a failure on {@code given} itself throws. */
  void scan(byte[] given) {
    byte[] rootPath = Bytes.withSlash(given);
    Pending root;
    try {
      root = new Pending(rootPath, given, subdirsOf(rootPath));
    } catch (NativeException e) {
      throw new NativeException(e.op(), e.errno(), given);
    }
    progress.listed();
    boolean moved = false;
    ArrayDeque<Pending> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      Pending f = stack.peek();
      if (f.next < f.subdirs.size()) {
        byte[] name = f.subdirs.get(f.next++);
        byte[] path = Bytes.concat(f.path, name, SLASH);
        byte[] bare = Bytes.trimSlash(path);
        if (excludeDir.test(bare)) continue;
        try {
          stack.push(new Pending(path, name, subdirsOf(path)));
          progress.listed();
        } catch (NativeException e) {
          if (!Errno.gone(e.errno())) onError.onWatchError(bare, e);
        }
        continue;
      }
      stack.pop();
      Node node;
      if (f == root) {
        int wd;
        try {
          wd = inotify.addWatch(given, kernelMask);
        } catch (NativeException e) {
          table.unwatchAll(f.watched);
          throw e;
        }
        node = table.get(wd);
        if (node == null) table.put(node = new Node(wd, true, rootPath, given, null));
      } else {
        int wd = inotify.addWatchRaw(f.path, kernelMask | IN_DONT_FOLLOW | IN_ONLYDIR);
        if (wd < 0) {
          table.unwatchAll(f.watched);
          byte[] bare = Bytes.trimSlash(f.path);
          if (!Errno.gone(-wd)) {
            onError.onWatchError(bare, new NativeException("inotify_add_watch", -wd, bare));
          }
          continue;
        }
        node = table.get(wd);
        if (node != null) { // already watched under another name: move the entry here
          node.detach();
          node.path = f.path;
          node.name = f.name;
          moved = true;
        } else {
          table.put(node = new Node(wd, true, f.path, f.name, null));
        }
        Pending parent = stack.peek();
        if (parent.watched == null) parent.watched = new ArrayList<>();
        parent.watched.add(node);
      }
      if (f.watched != null) {
        for (Node child : f.watched) {
          child.detach();
          node.attach(child);
        }
      }
      if (f == root && moved && node.children != null) node.children.forEach(Node::rewritePaths);
    }
  }

  /** Names of the directories in {@code dir} (lstat where getdents does not say). */
  private static List<byte[]> subdirsOf(byte[] dir) {
    List<byte[]> subdirs = new ArrayList<>();
    Libc.listDir(dir, true, (name, type) -> {
      if (Libc.isDir(type, Bytes.concat(dir, name))) subdirs.add(name);
    });
    return subdirs;
  }
}
