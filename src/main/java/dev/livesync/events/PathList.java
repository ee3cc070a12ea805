package dev.livesync.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The paths to watch and the {@code @path} excludes, from --fromfile (one per line, {@code -} for
 * stdin) and then the command line, as inotify-tools builds them. Strings hold bytes as latin1 chars.
 */
record PathList(List<String> watch, List<String> exclude) {
  /** Reading --fromfile failed; the message is inotifywait's. */
  static final class FromFileException extends Exception {
    FromFileException(String message) {
      super(message);
    }
  }

  static final PathList NONE = new PathList(List.of(), List.of());

  /**
   * As {@link #build}, or null after saying on {@code err} why there is nothing to watch (--fromfile
   * unreadable, or no paths).
   */
  static PathList buildOrSay(List<String> operands, String fromfile, InputStream stdin, PrintStream err) {
    PathList list;
    try {
      list = build(operands, fromfile, stdin);
    } catch (FromFileException e) {
      err.print(e.getMessage() + "\n");
      return null;
    }
    if (list.watch().isEmpty()) {
      err.print("No files specified to watch!\n");
      return null;
    }
    return list;
  }

  /**
   * Whether {@code path} is one of the @excludes: inotify-tools compares the path it built (given path +
   * names) with each @exclude minus one trailing '/'.
   */
  boolean excludes(byte[] path) {
    String p = RawArgs.latin1(path);
    for (String e : exclude) {
      String x = e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
      if (p.equals(x)) return true;
    }
    return false;
  }

  static PathList build(List<String> operands, String fromfile, InputStream stdin) throws FromFileException {
    List<String> watch = new ArrayList<>();
    List<String> exclude = new ArrayList<>();
    if (fromfile != null) {
      byte[] data;
      try {
        data = fromfile.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(fromfile));
      } catch (IOException | RuntimeException e) {
        throw new FromFileException("Couldn't open " + fromfile + ": " + Messages.ioReason(e));
      }
      String all = RawArgs.latin1(data);
      int start = 0;
      while (start < all.length()) {
        int nl = all.indexOf('\n', start);
        int end = nl < 0 ? all.length() : nl + 1;
        String line = all.substring(start, end);
        start = end;
        // like fgets + strip: an empty line still counts as "" (its length before stripping is 1)
        int lenWithNewline = line.length();
        if (line.endsWith("\n")) line = line.substring(0, line.length() - 1);
        add(line, lenWithNewline, watch, exclude);
      }
    }
    for (String a : operands) add(a, a.length(), watch, exclude);
    return new PathList(watch, exclude);
  }

  private static void add(String name, int len, List<String> watch, List<String> exclude) {
    if (len == 0 || (len == 1 && name.startsWith("@"))) return;
    if (name.startsWith("@")) exclude.add(name.substring(1));
    else watch.add(name);
  }
}
