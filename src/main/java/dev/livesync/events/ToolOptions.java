package dev.livesync.events;

import dev.livesync.events.Getopt.LongOpt;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What inotifywait's and inotifywatch's command lines share (inotify-tools 4.25.9 reads these the same
 * way in both, with the same messages): -h, the backend choice, -r, -P, -e, -t, --fromfile, the four regex options
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
  /** -P, as often as given (inotifywatch counts it; inotifywait only asks whether). */
  int noDereference;
  /** How often --exclude was given (inotifywait warns that only the last counts). */
  int excludeCount;
  /** How often --excludei was given (likewise). */
  int excludeiCount;
  List<String> operands = List.of();
  private final UnaryOperator<String> help;

  /** Keys of two long-only options, past any option letter (inotify-tools gives them letters that differ between its tools). */
  private static final int FROMFILE_KEY = 0x100;
  private static final int EXCLUDE_KEY = 0x101;

  /**
   * The long options both tools read alike, with the keys {@link #shared} reads. Each tool lists them
   * among its own in inotify-tools' order, which is the order an ambiguous abbreviation's possibilities are named in.
   */
  static final LongOpt HELP = new LongOpt("help", false, 'h');
  static final LongOpt EVENT = new LongOpt("event", true, 'e');
  static final LongOpt TIMEOUT = new LongOpt("timeout", true, 't');
  static final LongOpt RECURSIVE = new LongOpt("recursive", false, 'r');
  static final LongOpt INOTIFY = new LongOpt("inotify", false, 'I');
  static final LongOpt FANOTIFY = new LongOpt("fanotify", false, 'F');
  static final LongOpt FILESYSTEM = new LongOpt("filesystem", false, 'S');
  static final LongOpt NO_DEREFERENCE = new LongOpt("no-dereference", false, 'P');
  static final LongOpt FROMFILE = new LongOpt("fromfile", true, FROMFILE_KEY);
  /** The four regex options, which both tools list last. */
  private static final List<LongOpt> REGEX_OPTIONS = List.of(
      new LongOpt("exclude", true, EXCLUDE_KEY),
      new LongOpt("excludei", true, 'b'),
      new LongOpt("include", true, 'j'),
      new LongOpt("includei", true, 'k'));

  /** What reading does after one option: go on, stop (exit 1: the reason or the help is printed), or ask the tool. */
  private enum Step { NEXT, STOP, OWN }

  /** {@code help}: the --help text for the name run as. */
  ToolOptions(String inotifyName, UnaryOperator<String> help) {
    this.help = help;
    tool = Backend.tool(inotifyName);
    fanotify = Backend.fanotifyByDefault(tool);
  }

  /** A tool's long options: {@code first} in its order, then the regex options. */
  static List<LongOpt> longOptions(LongOpt... first) {
    List<LongOpt> all = new ArrayList<>(List.of(first));
    all.addAll(REGEX_OPTIONS);
    return List.copyOf(all);
  }

  /**
   * Reads {@code args} by getopt's rules with {@code shortOpts} and {@code longOpts}: the options
   * both tools share here and the tool's own through {@link #own}, then the operands; false when the
   * tool exits 1 here (the reason, or the help, is printed).
   */
  final boolean read(String shortOpts, List<LongOpt> longOpts, String[] args, PrintStream out, PrintStream err) {
    var g = new Getopt(tool, shortOpts, longOpts, args, err);
    int c;
    while ((c = g.next()) != Getopt.END) {
      Step step = shared(c, g, out, err);
      if (step == Step.STOP || step == Step.OWN && !own(c, g, err)) return false;
    }
    operands = g.operands();
    return true;
  }

  /** One of the tool's own options (Getopt's answer {@code c}); false after saying why the tool stops here. */
  abstract boolean own(int c, Getopt g, PrintStream err);

  /**
   * Getopt's answer {@code c}, when both tools read it alike (same letter, meaning and messages);
   * {@link Step#OWN} for the tool's own options.
   */
  private Step shared(int c, Getopt g, PrintStream out, PrintStream err) {
    switch (c) {
      case Getopt.ERROR -> {
        return Step.STOP;
      }
      case 'h' -> {
        out.print(help.apply(tool));
        return Step.STOP;
      }
      case 'r' -> recursive++;
      case 'I', 'F', 'S' -> backend(c);
      case 'P' -> noDereference++;
      case FROMFILE_KEY -> {
        if (!fromfile(g.optarg(), err)) return Step.STOP;
      }
      case EXCLUDE_KEY -> {
        excRegex = g.optarg();
        excludeCount++;
      }
      case 'b' -> {
        excIregex = g.optarg();
        excludeiCount++;
      }
      case 'j' -> incRegex = g.optarg();
      case 'k' -> incIregex = g.optarg();
      case 't' -> {
        if (!timeout(g.optarg(), err)) return Step.STOP;
      }
      case 'e' -> {
        if (!event(g.optarg(), err)) return Step.STOP;
      }
      default -> {
        return Step.OWN;
      }
    }
    return Step.NEXT;
  }

  /** -I, -F or -S. */
  private void backend(int c) {
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
  private boolean event(String arg, PrintStream err) {
    int ev = EventNames.parse(arg);
    if (ev == -1) {
      err.printf("'%s' is not a valid event!  Run with the '--help' option to see a list of events.\n", arg);
      return false;
    }
    events |= ev;
    return true;
  }

  /** -t; false after saying why the value is not valid. */
  private boolean timeout(String arg, PrintStream err) {
    Long t = Timeout.parse(arg, err);
    if (t == null) return false;
    timeout = t;
    return true;
  }

  /** --fromfile, allowed once; false after saying so. */
  private boolean fromfile(String arg, PrintStream err) {
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
