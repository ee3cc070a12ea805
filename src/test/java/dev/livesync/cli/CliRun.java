package dev.livesync.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The livesync command line run in this JVM, with what it printed on each stream. */
final class CliRun {
  private CliRun() {}

  record Result(int code, String out, String err) {}

  static Result inProcess(String... args) {
    var cl = Main.commandLine();
    StringWriter out = new StringWriter(), err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Result(cl.execute(args), out.toString(), err.toString());
  }
}
