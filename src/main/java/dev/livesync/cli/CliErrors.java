package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.settings.Key;
import dev.livesync.settings.SettingException;
import java.io.PrintWriter;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Every error of a command as one line per problem on stderr — {@code livesync run: --workers 1000:
 * expected a whole number from 1 to 64} — and its exit code; bugs keep their trace. A bad command
 * line (exit 2) gets a one-line hint to the command's {@code --help} instead of the whole usage.
 * A flag that names a setting ({@link Key}) is refused in the setting's own words, the ones the
 * config file uses after {@code FILE:LINE:COL: sync[0].workers:}.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./~^-]+");

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    print(cl, message(ex, cl), 2);
    return 2;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
    if (ex instanceof SettingException se) {
      print(cl, describe(se, cl, parseResult), se.exitCode());
      return se.exitCode();
    }
    if (ex instanceof LivesyncException le) {
      print(cl, le.getMessage(), le.exitCode());
      return le.exitCode();
    }
    cl.getErr().println(name(cl) + ": internal error: " + ex);
    ex.printStackTrace(cl.getErr());
    return 70;
  }

  /** Each line of {@code message} after the command's name; a usage error adds where help is. */
  private static void print(CommandLine cl, String message, int exit) {
    PrintWriter err = cl.getErr();
    for (String line : message.split("\n")) err.println(name(cl) + ": " + line);
    if (exit == 2) err.println("See '" + name(cl) + " --help'.");
    err.flush();
  }

  private static String name(CommandLine cl) {
    return cl.getCommandSpec().qualifiedName();
  }

  /** The flag or argument the value came from, the value as typed, and the setting's words. */
  static String describe(SettingException e, CommandLine cl, ParseResult parseResult) {
    Key k = e.key();
    String name = k.cliName() != null ? k.cliName() : k.configName();
    String value = e.value();
    ParseResult pr = parseResult;
    while (pr != null && pr.hasSubcommand()) pr = pr.subcommand();
    if (pr != null && k.cliName() != null && k.cliName().startsWith("--") && pr.hasMatchedOption(k.cliName())) {
      List<String> raw = pr.matchedOption(k.cliName()).originalStringValues();
      if (raw.size() == 1 && (value == null || !value.contains(SettingException.HIDDEN))) value = raw.getFirst();
    }
    return name + (value == null ? "" : " " + quote(value)) + ": " + e.words(x -> x.cliName() != null ? x.cliName() : x.configName());
  }

  private static String message(ParameterException ex, CommandLine cl) {
    ArgSpec arg = ex.getArgSpec();
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().getFirst();
      List<String> suggestions = u.getSuggestions();
      String hint = suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions.stream().limit(3).toList()) + "?)";
      // rsync's habits ('-avz', '-e ssh') on a command that runs rsync: say where those go
      if (hint.isEmpty() && keyed(cl) && first.matches("-[A-Za-z]+")) {
        hint = " (an rsync option? livesync always runs rsync -a; -z is --compress, and other rsync options go as --rsync-arg=OPTION)";
      }
      return (first.startsWith("-") ? "unknown option " : "unexpected argument ") + quote(first) + hint;
    }
    if (ex instanceof CommandLine.MissingParameterException m && m.getMissing() != null && !m.getMissing().isEmpty()
        && m.getMissing().getFirst() instanceof OptionSpec o) {
      Key k = keyed(cl) ? Key.byCliName(o.longestName()) : null; // rsync's '--delete' alone, say: which values there are
      return o.longestName() + " needs a value (" + o.paramLabel() + (k == null ? "" : ": " + k.expected()) + ")";
    }
    if (arg instanceof OptionSpec o && ex.getValue() != null && ex.getMessage().startsWith("Invalid value")) {
      Key k = keyed(cl) ? Key.byCliName(o.longestName()) : null;
      String words;
      if (k != null) words = "expected " + k.expected();
      else if (ex.getCause() instanceof CommandLine.TypeConversionException t && t.getMessage().startsWith("expected")) words = t.getMessage();
      else words = "expected " + expectedType(o.type());
      return o.longestName() + " " + quote(ex.getValue()) + ": " + words;
    }
    return ex.getMessage();
  }

  /** Commands whose flags name settings (run, doctor, verify): their defaults come from the keys. */
  private static boolean keyed(CommandLine cl) {
    return cl.getCommandSpec().defaultValueProvider() instanceof KeyDefaults;
  }

  private static String expectedType(Class<?> type) {
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "a whole number";
    if (type == double.class || type == Double.class) return "a number";
    return "a " + type.getSimpleName().toLowerCase();
  }

  /** {@code value} as a shell would need it: as is when plain, else in single quotes. */
  static String quote(String value) {
    if (PLAIN.matcher(value).matches()) return value;
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
