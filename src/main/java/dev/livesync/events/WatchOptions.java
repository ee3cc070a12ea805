package dev.livesync.events;

import static dev.livesync.events.Getopt.LongOpt;
import static dev.livesync.fs.InotifyMask.IN_ALL_EVENTS;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** inotifywatch's command line, parsed and checked in inotifywatch 4.25.9's order with its messages. */
final class WatchOptions extends ToolOptions {
  int verbose;
  int zero;
  /** 0: total ascending, -1: total descending, +bit: ascending by event, -bit: descending by event. */
  int sort = -1;
  /** An -a was given (inotifywatch refuses a second -a or -d after it). */
  private boolean sortSet;

  private WatchOptions() {
    super("inotifywatch", WatchOptions::help);
  }

  private static final List<LongOpt> LONG = longOptions(
      HELP,
      EVENT,
      TIMEOUT,
      new LongOpt("verbose", false, 'v'),
      new LongOpt("zero", false, 'z'),
      new LongOpt("ascending", true, 'a'),
      new LongOpt("descending", true, 'd'),
      RECURSIVE,
      INOTIFY,
      FANOTIFY,
      FILESYSTEM,
      NO_DEREFERENCE,
      FROMFILE);

  static WatchOptions parse(String[] args, PrintStream out, PrintStream err) {
    var o = new WatchOptions();
    if (!o.read("hrPa:d:zve:t:IFS", LONG, args, out, err)) return null;
    if (o.sort != 0 && o.sort != -1 && (Math.abs(o.sort) & (o.events != 0 ? o.events : IN_ALL_EVENTS)) == 0) {
      err.print("Can't sort by an event which isn't being watched for!\n");
      return null;
    }
    if (!o.regexesAgree(err)) return null;
    return o;
  }

  @Override
  boolean own(int c, Getopt g, PrintStream err) {
    switch (c) {
      case 'v' -> verbose++;
      case 'z' -> zero++;
      case 'a' -> {
        if (sortGivenTwice(err)) return false;
        String key = g.optarg().toLowerCase(Locale.ROOT);
        if (key.equals("total")) {
          sort = 0;
        } else if (key.equals("move")) {
          err.print("Cannot sort by `move' event; please use `moved_from' or `moved_to'.\n");
          return false;
        } else if (key.equals("close")) {
          err.print("Cannot sort by `close' event; please use `close_write' or `close_nowrite'.\n");
          return false;
        } else {
          int ev = sortEvent(g.optarg(), err);
          if (ev == -1) return false;
          sort = ev;
        }
        sortSet = true;
      }
      case 'd' -> {
        // as in inotifywatch, -d does not count as "sort given" for a later -a/-d
        if (sortGivenTwice(err)) return false;
        if (g.optarg().equalsIgnoreCase("total")) {
          sort = -1;
        } else {
          int ev = sortEvent(g.optarg(), err);
          if (ev == -1) return false;
          sort = -ev;
        }
      }
      default -> throw new IllegalStateException("option " + (char) c);
    }
    return true;
  }

  /** After an -a, a second -a or -d is refused (said on {@code err}). */
  private boolean sortGivenTwice(PrintStream err) {
    if (sortSet) err.print("Please specify -a or -d once only!\n");
    return sortSet;
  }

  /** The event named {@code arg} to sort by, or -1 after saying it is not one. */
  private static int sortEvent(String arg, PrintStream err) {
    int ev = EventNames.parse(arg);
    if (ev == -1) err.printf("'%s' is not a valid key for sorting!\n", arg);
    return ev;
  }

  static String help(String tool) {
    return tool + " " + Messages.VERSION + " (livesync)\n"
        + "Gather filesystem usage statistics using " + tool + ".\n"
        + "Usage: " + tool + " [ options ] file1 [ file2 ] [ ... ]\n"
        + "Options:\n"
        + "\t-h|--help    \tShow this help text.\n"
        + "\t-v|--verbose \tBe verbose.\n"
        + "\t@<file>       \tExclude the specified file from being watched.\n"
        + "\t--fromfile <file>\n"
        + "\t\tRead files to watch from <file> or `-' for stdin.\n"
        + "\t--exclude <pattern>\n"
        + "\t\tExclude all events on files matching the extended regular\n"
        + "\t\texpression <pattern>.\n"
        + "\t--excludei <pattern>\n"
        + "\t\tLike --exclude but case insensitive.\n"
        + "\t--include <pattern>\n"
        + "\t\tExclude all events on files except the ones\n"
        + "\t\tmatching the extended regular expression\n"
        + "\t\t<pattern>.\n"
        + "\t--includei <pattern>\n"
        + "\t\tLike --include but case insensitive.\n"
        + "\t-z|--zero\n"
        + "\t\tIn the final table of results, output rows and columns even\n"
        + "\t\tif they consist only of zeros (the default is to not output\n"
        + "\t\tthese rows and columns).\n"
        + "\t-r|--recursive\tWatch directories recursively.\n"
        + "\t-I|--inotify\tWatch with inotify.\n"
        + "\t-F|--fanotify\tWatch with fanotify.\n"
        + "\t-S|--filesystem\tWatch entire filesystem with fanotify.\n"
        + "\t-P|--no-dereference\n"
        + "\t\tDo not follow symlinks.\n"
        + "\t-t|--timeout <seconds>\n"
        + "\t\tListen only for specified amount of time in seconds; if\n"
        + "\t\tomitted or zero, " + tool + " will execute until receiving an\n"
        + "\t\tinterrupt signal.\n"
        + "\t-e|--event <event1> [ -e|--event <event2> ... ]\n"
        + "\t\tListen for specific event(s).  If omitted, all events are \n"
        + "\t\tlistened for.\n"
        + "\t-a|--ascending <event>\n"
        + "\t\tSort ascending by a particular event, or `total'.\n"
        + "\t-d|--descending <event>\n"
        + "\t\tSort descending by a particular event, or `total'.\n\n"
        + "Exit status:\n"
        + "\t0  -  Exited normally.\n"
        + "\t1  -  Some error occurred.\n\n"
        + "Events:\n"
        + EventNames.descriptions();
  }
}
