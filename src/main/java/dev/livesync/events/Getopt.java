package dev.livesync.events;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line parsing with the rules and messages of glibc's {@code getopt_long} (permuting mode):
 * clustered short options ({@code -mrq}), short option arguments attached or separate ({@code -t5},
 * {@code -t 5}), {@code --name=value} and {@code --name value}, unambiguous abbreviations of long
 * names, {@code --} ends the options, and non-options may appear anywhere. Errors are printed as glibc
 * prints them ({@code prog: invalid option -- 'x'}) and reported as {@link #ERROR}.
 */
final class Getopt {
  /** Returned by {@link #next()} for an invalid option or a missing argument (getopt's '?'). */
  static final int ERROR = '?';
  /** Returned by {@link #next()} when the options are over. */
  static final int END = -1;

  /** One long option: its name, whether it takes an argument, and the key {@link #next()} returns. */
  record LongOpt(String name, boolean hasArg, int key) {}

  private final String prog;
  private final String shortOpts;
  private final List<LongOpt> longOpts;
  private final String[] argv;
  private final PrintStream err;
  private final List<String> operands = new ArrayList<>();
  private int index;
  private String cluster; // remaining short options of the current "-abc" word
  private String optarg;
  private boolean done;

  Getopt(String prog, String shortOpts, List<LongOpt> longOpts, String[] argv, PrintStream err) {
    this.prog = prog;
    this.shortOpts = shortOpts;
    this.longOpts = longOpts;
    this.argv = argv;
    this.err = err;
  }

  /** The argument of the option last returned by {@link #next()}. */
  String optarg() {
    return optarg;
  }

  /** The non-option arguments, in order; complete once {@link #next()} returned {@link #END}. */
  List<String> operands() {
    return operands;
  }

  /** The next option's key (a short option char or a long option's key), {@link #ERROR} or {@link #END}. */
  int next() {
    optarg = null;
    if (cluster != null && !cluster.isEmpty()) return nextShort();
    cluster = null;
    while (!done && index < argv.length) {
      String a = argv[index++];
      if (a.equals("--")) {
        done = true;
        break;
      }
      if (a.startsWith("--")) return nextLong(a.substring(2));
      if (a.length() > 1 && a.charAt(0) == '-') {
        cluster = a.substring(1);
        return nextShort();
      }
      operands.add(a);
    }
    while (index < argv.length) operands.add(argv[index++]);
    return END;
  }

  private int nextShort() {
    char c = cluster.charAt(0);
    cluster = cluster.substring(1);
    int at = c == ':' ? -1 : shortOpts.indexOf(c);
    if (at < 0) {
      err.printf("%s: invalid option -- '%c'%n", prog, c);
      return ERROR;
    }
    boolean hasArg = at + 1 < shortOpts.length() && shortOpts.charAt(at + 1) == ':';
    if (!hasArg) return c;
    if (!cluster.isEmpty()) {
      optarg = cluster;
      cluster = null;
      return c;
    }
    cluster = null;
    if (index >= argv.length) {
      err.printf("%s: option requires an argument -- '%c'%n", prog, c);
      return ERROR;
    }
    optarg = argv[index++];
    return c;
  }

  private int nextLong(String word) {
    int eq = word.indexOf('=');
    String name = eq < 0 ? word : word.substring(0, eq);
    LongOpt found = null;
    List<LongOpt> candidates = new ArrayList<>();
    for (LongOpt o : longOpts) {
      if (o.name().equals(name)) {
        found = o;
        candidates.clear();
        break;
      }
      if (o.name().startsWith(name)) candidates.add(o);
    }
    if (found == null && !candidates.isEmpty()) {
      boolean ambiguous = false;
      for (LongOpt o : candidates) {
        LongOpt first = candidates.get(0);
        if (o.hasArg() != first.hasArg() || o.key() != first.key()) ambiguous = true;
      }
      if (ambiguous) {
        var sb = new StringBuilder();
        sb.append(prog).append(": option '--").append(word).append("' is ambiguous; possibilities:");
        for (LongOpt o : candidates) sb.append(" '--").append(o.name()).append('\'');
        err.println(sb);
        return ERROR;
      }
      found = candidates.get(0);
    }
    if (found == null) {
      err.printf("%s: unrecognized option '--%s'%n", prog, word);
      return ERROR;
    }
    if (eq >= 0) {
      if (!found.hasArg()) {
        err.printf("%s: option '--%s' doesn't allow an argument%n", prog, found.name());
        return ERROR;
      }
      optarg = word.substring(eq + 1);
    } else if (found.hasArg()) {
      if (index >= argv.length) {
        err.printf("%s: option '--%s' requires an argument%n", prog, found.name());
        return ERROR;
      }
      optarg = argv[index++];
    }
    return found.key();
  }
}
