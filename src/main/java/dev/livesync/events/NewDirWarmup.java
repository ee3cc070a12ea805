package dev.livesync.events;

import dev.livesync.fs.WatchEvent;
import dev.livesync.fs.Watcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Runs a recursive watcher's new-directory path once, on a private temporary directory, before the
 * user's watches are set up. A file made in a new directory before the watcher has watched it is never
 * seen (inotify's race, inotify-tools' too); the first time, that path (read the CREATE, resolve it,
 * inotify_add_watch) took the JVM three times as long as later (class loading, compilation), and a
 * cold {@code inotifywait -mr} missed such a file most times. Its own inotify instance, removed before
 * the user's first watch exists: nothing is printed, and the user's tree, events and watches are not
 * touched. Any failure (no temporary directory, no instance left) leaves it cold, silently.
 */
final class NewDirWarmup {
  private NewDirWarmup() {}

  /** Rounds of mkdir (and a file in it): enough for the path's classes to load and its methods to compile. */
  private static final int ROUNDS = 3;

  static void run(int mask, Predicate<byte[]> exclude) {
    Path tmp = null;
    try (Watcher w = Backend.open(false, false, mask, true, exclude, (dir, e) -> {})) {
      tmp = Files.createTempDirectory("livesync-warmup");
      w.watch(tmp.toString().getBytes(StandardCharsets.UTF_8));
      List<WatchEvent> seen = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        Path d = Files.createDirectory(tmp.resolve("d" + i));
        drain(w, seen);
        Files.write(d.resolve("f"), new byte[] {'x'});
        drain(w, seen);
        Files.delete(d.resolve("f"));
        Files.delete(d); // its watch goes with it: two at most, even under a tight max_user_watches
        drain(w, seen);
      }
    } catch (IOException | RuntimeException e) {
      // cold it is
    } finally {
      if (tmp != null) delete(tmp);
    }
  }

  private static void drain(Watcher w, List<WatchEvent> seen) {
    while (w.poll(0, seen::add)) seen.clear();
  }

  private static void delete(Path tmp) {
    try (Stream<Path> s = Files.walk(tmp)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException | RuntimeException e) {
      // a leftover in the temporary directory
    }
  }
}
