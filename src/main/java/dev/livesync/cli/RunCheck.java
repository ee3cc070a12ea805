package dev.livesync.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code livesync run --check} on behalf of another command ({@code start}, {@code install-service}):
 * run's checks, words and exit codes, each line said under the name the user typed
 * ({@code livesync start: ...}, not {@code livesync run: ...}).
 */
final class RunCheck {
  private RunCheck() {}

  /** The check's exit code, and the run it parsed (its files and settings, once the check passed). */
  record Result(int exit, RunCommand run) {}

  /** {@code run} with {@code args} (run's, without "run"), checked only; its errors and warnings go to {@code err} as {@code command}'s. */
  static Result check(String command, List<String> args, PrintWriter err) {
    List<String> check = new ArrayList<>();
    check.add("run");
    check.add("--check");
    check.addAll(args);
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(Writer.nullWriter()));
    PrintWriter renamed = renamed(err, "livesync run:", "livesync " + command + ":");
    cl.setErr(renamed);
    int exit = cl.execute(check.toArray(String[]::new));
    renamed.flush();
    return new Result(exit, (RunCommand) cl.getSubcommands().get("run").getCommand());
  }

  /** {@code err}, with {@code from} at the start of a line written as {@code to}. */
  static PrintWriter renamed(PrintWriter err, String from, String to) {
    return new PrintWriter(new Writer() {
      private final StringBuilder line = new StringBuilder();

      @Override
      public void write(char[] chars, int off, int len) {
        for (int i = off; i < off + len; i++) {
          line.append(chars[i]);
          if (chars[i] == '\n') emit();
        }
      }

      private void emit() {
        String l = line.toString();
        err.print(l.startsWith(from) ? to + l.substring(from.length()) : l);
        line.setLength(0);
      }

      @Override
      public void flush() {
        if (line.length() > 0) emit();
        err.flush();
      }

      @Override
      public void close() {
        flush();
      }
    }, true);
  }
}
