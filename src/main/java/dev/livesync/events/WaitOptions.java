package dev.livesync.events;

import static dev.livesync.events.Getopt.LongOpt;

import java.io.PrintStream;
import java.util.List;

/**
 * inotifywait's command line, parsed and checked in inotifywait 4.25.9's order with its messages.
 * Strings hold bytes as latin1 chars.
 */
final class WaitOptions extends ToolOptions {
  boolean monitor;
  int quiet;
  boolean csv;
  boolean daemon;
  boolean syslog;
  String format;
  String timefmt;
  String outfile;
  boolean noNewline;

  private WaitOptions() {
    super("inotifywait", WaitOptions::help);
  }

  private static final List<LongOpt> LONG = longOptions(
      HELP,
      EVENT,
      new LongOpt("monitor", false, 'm'),
      new LongOpt("quiet", false, 'q'),
      TIMEOUT,
      new LongOpt("filename", false, 'f'),
      RECURSIVE,
      INOTIFY,
      FANOTIFY,
      FILESYSTEM,
      new LongOpt("csv", false, 'c'),
      new LongOpt("daemon", false, 'd'),
      new LongOpt("syslog", false, 's'),
      NO_DEREFERENCE,
      new LongOpt("format", true, 'n'),
      new LongOpt("no-newline", false, '0'),
      new LongOpt("timefmt", true, 'i'),
      FROMFILE,
      new LongOpt("outfile", true, 'o'));

  /** Parses {@code args}; null when inotifywait would exit 1 here (the reason, or the help, is printed). */
  static WaitOptions parse(String[] args, PrintStream out, PrintStream err) {
    var o = new WaitOptions();
    if (!o.read("mrhcdsPqt:fo:e:IFS", LONG, args, out, err)) return null;
    if (o.format != null && !o.noNewline) o.format = o.format + "\n";
    if (!o.regexesAgree(err)) return null;
    if (o.format != null && o.csv) {
      err.print("-c and --format cannot both be specified.\n");
      return null;
    }
    if (o.format == null && o.noNewline) {
      err.print("--no-newline cannot be specified without --format.\n");
      return null;
    }
    if (o.format == null && o.timefmt != null) {
      err.print("--timefmt cannot be specified without --format.\n");
      return null;
    }
    if (o.format != null && o.format.contains("%T") && o.timefmt == null) {
      err.print("%T is in --format string, but --timefmt was not specified.\n");
      return null;
    }
    if (o.daemon && o.outfile == null) {
      err.print("-o must be specified with -d.\n");
      return null;
    }
    if (o.excludeCount > 1) err.print("--exclude: only the last option will be taken into consideration.\n");
    if (o.excludeiCount > 1) err.print("--excludei: only the last option will be taken into consideration.\n");
    return o;
  }

  @Override
  boolean own(int c, Getopt g, PrintStream err) {
    switch (c) {
      case 'm' -> monitor = true;
      case 'q' -> quiet++;
      case 'c' -> csv = true;
      case 'd' -> {
        daemon = true;
        monitor = true;
        syslog = true;
      }
      case 's' -> syslog = true;
      case 'f' -> {
        err.print("The '--filename' option no longer exists.  The option it enabled in earlier\n"
            + "versions of inotifywait is now turned on by default.\n");
        return false;
      }
      case 'n' -> format = g.optarg();
      case '0' -> noNewline = true;
      case 'i' -> timefmt = g.optarg();
      case 'o' -> {
        if (outfile != null) {
          err.print("Multiple --outfile options given.\n");
          return false;
        }
        outfile = g.optarg();
      }
      default -> throw new IllegalStateException("option " + (char) c);
    }
    return true;
  }

  static String help(String tool) {
    return tool + " " + Messages.VERSION + " (livesync)\n"
        + "Wait for a particular event on a file or set of files.\n"
        + "Usage: " + tool + " [ options ] file1 [ file2 ] [ file3 ] [ ... ]\n"
        + "Options:\n"
        + "\t-h|--help     \tShow this help text.\n"
        + "\t@<file>       \tExclude the specified file from being watched.\n"
        + "\t--exclude <pattern>\n"
        + "\t              \tExclude all events on files matching the\n"
        + "\t              \textended regular expression <pattern>.\n"
        + "\t              \tOnly the last --exclude option will be\n"
        + "\t              \ttaken into consideration.\n"
        + "\t--excludei <pattern>\n"
        + "\t              \tLike --exclude but case insensitive.\n"
        + "\t--include <pattern>\n"
        + "\t              \tExclude all events on files except the ones\n"
        + "\t              \tmatching the extended regular expression\n"
        + "\t              \t<pattern>.\n"
        + "\t--includei <pattern>\n"
        + "\t              \tLike --include but case insensitive.\n"
        + "\t-m|--monitor  \tKeep listening for events forever or until --timeout expires.\n"
        + "\t              \tWithout this option, " + tool + " will exit after one event is received.\n"
        + "\t-d|--daemon   \tSame as --monitor, except run in the background\n"
        + "\t              \tlogging events to a file specified by --outfile.\n"
        + "\t              \tImplies --syslog.\n"
        + "\t-P|--no-dereference\n"
        + "\t              \tDo not follow symlinks.\n"
        + "\t-r|--recursive\tWatch directories recursively.\n"
        + "\t-I|--inotify\tWatch with inotify.\n"
        + "\t-F|--fanotify\tWatch with fanotify.\n"
        + "\t-S|--filesystem\tWatch entire filesystem with fanotify.\n"
        + "\t--fromfile <file>\n"
        + "\t              \tRead files to watch from <file> or `-' for stdin.\n"
        + "\t-o|--outfile <file>\n"
        + "\t              \tPrint events to <file> rather than stdout.\n"
        + "\t-s|--syslog   \tSend errors to syslog rather than stderr.\n"
        + "\t-q|--quiet    \tPrint less (only print events).\n"
        + "\t-qq           \tPrint nothing (not even events).\n"
        + "\t--format <fmt>\tPrint using a specified printf-like format\n"
        + "\t              \tstring; read the man page for more details.\n"
        + "\t--no-newline  \tDon't print newline symbol after\n"
        + "\t              \t--format string.\n"
        + "\t--timefmt <fmt>\tstrftime-compatible format string for use with\n"
        + "\t              \t%T in --format string.\n"
        + "\t-c|--csv      \tPrint events in CSV format.\n"
        + "\t-t|--timeout <seconds>\n"
        + "\t              \tWhen listening for a single event, time out after\n"
        + "\t              \twaiting for an event for <seconds> seconds.\n"
        + "\t              \tIf <seconds> is zero, " + tool + " will never time out.\n"
        + "\t-e|--event <event1> [ -e|--event <event2> ... ]\n"
        + "\t\tListen for specific event(s).  If omitted, all events are \n"
        + "\t\tlistened for.\n\n"
        + "Exit status:\n"
        + "\t0  -  An event you asked to watch for was received.\n"
        + "\t1  -  An event you did not ask to watch for was received\n"
        + "\t      (usually delete_self or unmount), or some error occurred.\n"
        + "\t2  -  The --timeout option was given and no events occurred\n"
        + "\t      in the specified interval of time.\n\n"
        + "Events:\n"
        + EventNames.descriptions();
  }
}
