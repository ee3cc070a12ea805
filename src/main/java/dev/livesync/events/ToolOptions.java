package dev.livesync.events;

import java.io.PrintStream;
import java.util.List;

/**
 * What inotifywait's and inotifywatch's command lines share (inotify-tools 4.25.9 reads these the same
 * way in both, with the same messages): the backend choice, -e, -t, --fromfile, the four regex options
 * and the operands. Strings hold bytes as latin1 chars.
 */
abstract class ToolOptions {
  int events;
  long timeout;
  int recursive;
  boolean fanotify;
  /** -S: one fanotify mark for the whole filesystem of each path. */
  boolean filesystem;
  /** The name run as: inotifywait/inotifywatch, or fsnotifywait/fsnotifywatch (fanotify by default). */
  String tool;
  String fromfile;
  String excRegex;
  String excIregex;
  String incRegex;
  String incIregex;
  List<String> operands = List.of();

  ToolOptions(String inotifyName) {
    tool = Backend.tool(inotifyName);
    fanotify = Backend.fanotifyByDefault(tool);
  }

  /** -I, -F or -S. */
  final void backend(int c) {
    switch (c) {
      case 'I' -> fanotify = false;
      case 'F' -> fanotify = true;
      case 'S' -> {
        filesystem = true;
        fanotify = true;
      }
      default -> throw new IllegalArgumentException("not a backend option: " + (char) c);
    }
  }

  /** -e: adds the events named; false after saying why they are not valid. */
  final boolean event(String arg, PrintStream err) {
    int ev = EventNames.parse(arg);
    if (ev == -1) {
      err.printf("'%s' is not a valid event!  Run with the '--help' option to see a list of events.\n", arg);
      return false;
    }
    events |= ev;
    return true;
  }

  /** -t; false after saying why the value is not valid. */
  final boolean timeout(String arg, PrintStream err) {
    Long t = Timeout.parse(arg, err);
    if (t == null) return false;
    timeout = t;
    return true;
  }

  /** --fromfile, allowed once; false after saying so. */
  final boolean fromfile(String arg, PrintStream err) {
    if (fromfile != null) {
      err.print("Multiple --fromfile options given.\n");
      return false;
    }
    fromfile = arg;
    return true;
  }

  /** inotify-tools' checks of the four regex options, in its order; false after saying which do not go together. */
  final boolean regexesAgree(PrintStream err) {
    if (excRegex != null && excIregex != null) {
      err.print("--exclude and --excludei cannot both be specified.\n");
      return false;
    }
    if (incRegex != null && incIregex != null) {
      err.print("--include and --includei cannot both be specified.\n");
      return false;
    }
    if ((incRegex != null || incIregex != null) && (excRegex != null || excIregex != null)) {
      err.print("include and exclude regexp cannot both be specified.\n");
      return false;
    }
    return true;
  }

  /** The regex options compiled, or null after saying which expression is wrong. */
  final RegexOption compileRegex(PrintStream err) {
    return RegexOption.compile(excRegex, excIregex, incRegex, incIregex, err);
  }
}
