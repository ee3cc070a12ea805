package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import dev.livesync.transport.TransferResult.Outcome;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** What the transport reads of rsync's output: the {@code --stats} counts and {@code --info=progress2} lines. */
final class RsyncOutput {
  private RsyncOutput() {}

  /** The counts of one run's --stats: files = regular files transferred + deleted, bytes = transferred file size. */
  static final class Stats {
    private long files, bytes, deleted, created;

    void line(byte[] raw) {
      String line = Bytes.latin1(raw);
      if (line.startsWith("Number of regular files transferred: ")) {
        files += leadingNumber(line.substring(line.indexOf(':') + 2));
      } else if (line.startsWith("Number of deleted files: ")) {
        long n = leadingNumber(line.substring(line.indexOf(':') + 2));
        files += n;
        deleted += n;
      } else if (line.startsWith("Number of created files: ")) {
        created += leadingNumber(line.substring(line.indexOf(':') + 2));
      } else if (line.startsWith("Total transferred file size: ")) {
        bytes = leadingNumber(line.substring(line.indexOf(':') + 2));
      }
    }

    TransferResult result(Outcome o, RsyncProcess.Result r, List<byte[]> failed, String message) {
      return new TransferResult(o, r.exit(), failed, files, bytes, r.millis(), message, deleted, created);
    }
  }

  static long leadingNumber(String s) {
    long n = 0;
    for (int i = 0; i < s.length() && Character.isDigit(s.charAt(i)); i++) n = n * 10 + (s.charAt(i) - '0');
    return n;
  }

  /** Passes on rsync's progress2 updates, one per 500 ms at most; other lines go to {@code rest}. */
  static final class Progress {
    private static final Pattern UPDATE = Pattern.compile("^\\s*\\d+\\s+\\d+%.*");
    private final Consumer<String> sink;
    private long lastNanos;

    Progress(Consumer<String> sink) {
      this.sink = sink;
    }

    Consumer<byte[]> around(Consumer<byte[]> rest) {
      return line -> {
        String s = Bytes.latin1(line);
        if (!UPDATE.matcher(s).matches()) {
          rest.accept(line);
          return;
        }
        long now = System.nanoTime();
        if (now - lastNanos > 500_000_000L) {
          lastNanos = now;
          sink.accept(s.strip());
        }
      };
    }
  }
}
