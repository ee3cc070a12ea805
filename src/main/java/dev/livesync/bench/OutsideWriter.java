package dev.livesync.bench;

import dev.livesync.fs.ChildProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The load written by a process of its own, in Python (outside-writer.py, shipped in the jar): what a
 * real application's writes look like to livesync, with none of the JVM's help (the in-JVM generator
 * shares livesync's page cache timing and nothing else, but it also never stalls). Every
 * {@code stallEvery} seconds the writer stops for {@code stall} seconds and then catches up at once,
 * so files come in bursts.
 */
final class OutsideWriter extends Load {
  private final double stallEvery;
  private final double stall;

  OutsideWriter(Path root, int minSize, int maxSize, int perDir, double stallEvery, double stall) {
    super(new Shape(root, minSize, maxSize, perDir));
    this.stallEvery = stallEvery;
    this.stall = stall;
  }

  @Override
  long run(double rate, double seconds) throws IOException {
    Path script = Files.createTempFile("livesync-outside-writer", ".py");
    try {
      try (InputStream in = OutsideWriter.class.getResourceAsStream("outside-writer.py")) {
        if (in == null) throw new IOException("outside-writer.py is missing from the jar");
        Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      try (ChildProcess p = ChildProcess.command("python3", script.toString(), shape.root().toString(), Double.toString(rate),
              Double.toString(seconds), Integer.toString(shape.minSize()), Integer.toString(shape.maxSize()),
              Integer.toString(shape.perDir()), Double.toString(stallEvery), Double.toString(stall))
              .noStdin().stderr(ProcessBuilder.Redirect.INHERIT).start();
          BufferedReader r = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          String[] f = line.split("\t");
          if (f[0].equals("#start")) {
            startedAt = Long.parseLong(f[1]);
            continue;
          }
          closed(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]));
        }
        int rc = p.waitFor();
        if (rc != 0) throw new IOException("the outside writer (python3) exited with " + rc);
      }
      return written.isEmpty() ? System.nanoTime() : closedAt.get(written.getLast());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the outside writer ran", e);
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
