package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransferResult.Outcome;
import dev.livesync.transport.Transport;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal local-directory transport over the real rsync binary, so the engine's end-to-end tests
 * do not depend on the transport package (they switch to it once it has landed). Exit 23/24 →
 * PARTIAL with no path list (the engine then requeues the whole batch).
 */
final class LocalRsyncTransport implements Transport {
  private final String src, dst;
  private final List<String> excludes;
  volatile boolean down;
  /** False: behaves like a daemon target (renames go into the batches as delete + send). */
  boolean canRename = true;

  LocalRsyncTransport(byte[] src, byte[] dst, List<String> excludes) {
    this.src = new String(src, java.nio.charset.StandardCharsets.UTF_8) + "/";
    this.dst = new String(dst, java.nio.charset.StandardCharsets.UTF_8) + "/";
    this.excludes = excludes;
  }

  @Override
  public String describe() {
    return "local:" + dst;
  }

  private List<String> base() {
    List<String> a = new ArrayList<>(List.of("rsync", "-a", "--force"));
    for (String e : excludes) a.add("--exclude=" + e);
    return a;
  }

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return send(paths, recursive, true);
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return send(paths, recursive, false);
  }

  private TransferResult send(List<byte[]> paths, boolean recursive, boolean mirror) throws InterruptedException {
    List<String> a = base();
    a.addAll(List.of("--files-from=-", "--from0", "-R", "--delete-missing-args"));
    if (recursive) a.add("-r");
    if (recursive && mirror) a.add("--delete");
    a.addAll(List.of(src, dst));
    return run(a, paths);
  }

  @Override
  public TransferResult fullSync(boolean delete) throws InterruptedException {
    List<String> a = base();
    if (delete) a.add("--delete");
    a.addAll(List.of(src, dst));
    return run(a, null);
  }

  @Override
  public boolean canRename() {
    return canRename;
  }

  @Override
  public boolean rename(byte[] from, byte[] to) {
    if (down) return false;
    byte[] d = Bytes.of(dst);
    try {
      Libc.rename(Bytes.concat(d, from), Bytes.concat(d, to));
      return true;
    } catch (NativeException e) {
      return false;
    }
  }

  private TransferResult run(List<String> argv, List<byte[]> stdin) throws InterruptedException {
    long t0 = System.nanoTime();
    if (down) return new TransferResult(Outcome.RETRY, 10, List.of(), 0, 0, 0, "target down (test)");
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) for (byte[] path : stdin) {
          in.write(path);
          in.write(0);
        }
      }
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int rc = p.waitFor();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      long files = stdin == null ? 0 : stdin.size();
      if (rc == 0) return TransferResult.ok(files, 0, ms);
      Outcome o = rc == 23 || rc == 24 ? Outcome.PARTIAL : rc == 1 || rc == 2 || rc == 4 || rc == 5 ? Outcome.FATAL : Outcome.RETRY;
      if (rc == 24) return TransferResult.ok(files, 0, ms); // vanished source files: their events follow
      return new TransferResult(o, rc, List.of(), 0, 0, ms, out);
    } catch (IOException e) {
      return new TransferResult(Outcome.RETRY, -1, List.of(), 0, 0, 0, e.getMessage());
    }
  }
}
