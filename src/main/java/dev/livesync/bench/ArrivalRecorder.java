package dev.livesync.bench;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.InotifyMask;
import dev.livesync.fs.TreeWatcher;
import dev.livesync.fs.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the target directory (the rsync daemon's module) and records when each file first
 * appeared under its final name: MOVED_TO (rsync renames its temp file into place), CLOSE_WRITE
 * (in-place writers) or CREATE found by listing a new directory. rsync's temp names start with '.'
 * and are ignored; the load generator never makes such names.
 */
final class ArrivalRecorder implements AutoCloseable {
  final Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
  private final TreeWatcher watcher;
  private final int prefix;
  private final Thread thread;
  private volatile boolean running = true;

  ArrivalRecorder(Path target) {
    watcher = TreeWatcher.builder()
        .mask(InotifyMask.IN_MOVED_TO | InotifyMask.IN_CLOSE_WRITE | InotifyMask.IN_CREATE)
        .recursive(true)
        .reportNewDirContents(true)
        .build();
    byte[] root = Bytes.of(target.toString());
    watcher.watch(root);
    prefix = root.length + 1;
    thread = Thread.ofPlatform().name("arrivals").daemon().start(this::loop);
  }

  private void loop() {
    while (running) watcher.poll(-1, this::record);
  }

  private void record(WatchEvent e) {
    if (e.isDir() || e.name().length == 0 || e.name()[0] == '.') return;
    if (!e.has(InotifyMask.IN_MOVED_TO | InotifyMask.IN_CLOSE_WRITE | InotifyMask.IN_CREATE)) return;
    long now = System.nanoTime();
    byte[] full = e.fullPath();
    arrivedAt.putIfAbsent(new String(full, prefix, full.length - prefix, StandardCharsets.UTF_8), now);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    watcher.wakeup();
    thread.join(5000);
    watcher.close();
  }
}
