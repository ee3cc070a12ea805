package dev.livesync.events;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The streams of one run of inotifywait or inotifywatch, as inotify-tools writes them: bytes as latin1
 * chars, stdout buffered (64 KiB, flushed by the tool and at the end), stderr unbuffered.
 */
record ToolStreams(BufferedOutputStream out, PrintStream outText, PrintStream err) {
  /** One run of a tool with its streams; returns the exit code. */
  interface Tool {
    int run(ToolStreams streams);
  }

  /** Runs {@code tool} on the process's own stdout and stderr. */
  static int onStdio(Tool tool) {
    return run(new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err), tool);
  }

  /** Runs {@code tool} on {@code stdout} and {@code stderr}, flushing both whichever way it ends. */
  static int run(OutputStream stdout, OutputStream stderr, Tool tool) {
    var err = new PrintStream(stderr, true, ISO_8859_1);
    var out = new BufferedOutputStream(stdout, 1 << 16);
    var outText = new PrintStream(out, false, ISO_8859_1);
    try {
      return tool.run(new ToolStreams(out, outText, err));
    } finally {
      outText.flush();
      err.flush();
    }
  }
}
