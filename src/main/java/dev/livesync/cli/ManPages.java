package dev.livesync.cli;

import dev.livesync.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Man pages in troff ({@code man(7)} macros) from the picocli model: {@code livesync(1)} and one per
 * subcommand ({@code livesync-run(1)}, ...), so {@code --help} and the man pages cannot disagree.
 * {@code events} and {@code stats} parse their own (inotifywait's) options: their page carries the
 * tool's own help text.
 */
final class ManPages {
  record Page(String name, String troff) {}

  private final String version;
  private final String date;

  /** {@code date}: the pages' date (the last commit's, so that builds are reproducible). */
  ManPages(String version, String date) {
    this.version = version;
    this.date = date;
  }

  List<Page> all(CommandLine root) {
    List<Page> pages = new ArrayList<>();
    List<String> subs = new ArrayList<>();
    root.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help") && !sub.getCommandSpec().usageMessage().hidden()) subs.add(name);
    });
    pages.add(new Page("livesync", page(root.getCommandSpec(), "livesync", subs)));
    for (String s : subs) pages.add(new Page("livesync-" + s, page(root.getSubcommands().get(s).getCommandSpec(), "livesync " + s, List.of())));
    return pages;
  }

  private String page(CommandSpec spec, String command, List<String> subs) {
    String title = command.replace(' ', '-');
    StringBuilder t = new StringBuilder();
    t.append(".\\\" Generated from livesync's command-line model; do not edit.\n");
    t.append(".TH ").append(title.toUpperCase(Locale.ROOT)).append(" 1 \"").append(date).append("\" \"livesync ")
        .append(version).append("\" \"User Commands\"\n");
    String[] desc = spec.usageMessage().description();
    t.append(".SH NAME\n").append(esc(title)).append(" \\- ").append(esc(summary(desc))).append('\n');
    t.append(".SH SYNOPSIS\n").append(".B ").append(esc(command)).append('\n');
    if (!subs.isEmpty()) t.append("\\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n");
    else if (custom(spec)) t.append("[\\fIOPTIONS\\fR] \\fIFILE\\fR...\n");
    else {
      if (!spec.options().isEmpty()) t.append("[\\fIOPTIONS\\fR]");
      for (PositionalParamSpec p : spec.positionalParameters()) t.append(' ').append(esc(p.paramLabel())).append(p.arity().max() > 1 ? "..." : "");
      t.append('\n');
    }
    t.append(".SH DESCRIPTION\n");
    text(t, desc);
    if (custom(spec)) {
      t.append(".SH OPTIONS\n.nf\n");
      for (String line : toolHelp(spec.name()).split("\n")) t.append(esc(line.replace("\t", "    "))).append('\n');
      t.append(".fi\n");
    } else if (!spec.options().isEmpty()) {
      t.append(".SH OPTIONS\n");
      for (OptionSpec o : spec.options()) {
        if (o.hidden()) continue;
        t.append(".TP\n");
        List<String> names = new ArrayList<>();
        for (String n : o.names()) names.add("\\fB" + esc(n) + "\\fR");
        t.append(String.join(", ", names));
        if (o.arity().max() > 0) t.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
        t.append('\n');
        String[] d = o.description();
        t.append(d.length == 0 ? "" : esc(String.join(" ", d).replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValueString())))).append('\n');
      }
    }
    if (!subs.isEmpty()) {
      t.append(".SH COMMANDS\n");
      CommandLine root = spec.commandLine();
      for (String s : subs) {
        t.append(".TP\n\\fB").append(esc(s)).append("\\fR\n");
        t.append(esc(summary(root.getSubcommands().get(s).getCommandSpec().usageMessage().description()))).append(". See \\fBlivesync\\-")
            .append(esc(s)).append("\\fR(1).\n");
      }
      t.append(".SH FILES\n.TP\n" + Config.DEFAULT_FILE + "\nthe configuration of \\fBlivesync run\\fR and of livesync.service\n")
          .append(".TP\n/var/lib/livesync\njournals of accepted but unsent changes, the last verify\n")
          .append(".TP\n/run/livesync/livesync.sock\nthe status socket\n")
          .append(".TP\n/usr/lib/livesync/bin\n\\fBinotifywait\\fR and \\fBinotifywatch\\fR drop-ins; put it first on PATH to use them\n");
    }
    t.append(".SH SEE ALSO\n");
    List<String> see = new ArrayList<>();
    if (subs.isEmpty()) see.add("\\fBlivesync\\fR(1)");
    for (String s : subs) see.add("\\fBlivesync\\-" + esc(s) + "\\fR(1)");
    see.add("\\fBrsync\\fR(1)");
    see.add("\\fBinotify\\fR(7)");
    if (command.equals("livesync") || command.equals("livesync run") || command.equals("livesync install-service")) see.add("\\fBsystemd.service\\fR(5)");
    t.append(String.join(", ", see)).append('\n');
    return t.toString();
  }

  private static boolean custom(CommandSpec spec) {
    return dev.livesync.events.InotifyTools.runs(spec.name());
  }

  /** The first sentence of the description, for NAME. */
  private static String summary(String[] desc) {
    String first = desc.length == 0 ? "" : desc[0].strip();
    int dot = first.indexOf(". ");
    if (dot > 0) first = first.substring(0, dot);
    if (first.endsWith(".")) first = first.substring(0, first.length() - 1);
    int paren = first.indexOf(" (");
    return paren > 20 ? first.substring(0, paren) : first;
  }

  /** Description lines: blank lines part paragraphs; indented lines (examples) stay as they are. */
  private static void text(StringBuilder t, String[] lines) {
    boolean nf = false;
    for (String line : lines) {
      if (line.isBlank()) {
        if (nf) t.append(".fi\n");
        nf = false;
        t.append(".PP\n");
        continue;
      }
      boolean example = line.startsWith("  ");
      if (example && !nf) t.append(".nf\n");
      if (!example && nf) t.append(".fi\n");
      nf = example;
      t.append(esc(example ? line : line.strip())).append('\n');
    }
    if (nf) t.append(".fi\n");
  }

  private static String toolHelp(String name) {
    return dev.livesync.events.InotifyTools.helpText(name).strip();
  }

  /** troff-escapes a line of text: backslashes, and a leading '.' or '\'' (control characters). */
  static String esc(String s) {
    String e = s.replace("\\", "\\e").replace("-", "\\-");
    if (e.startsWith(".") || e.startsWith("'")) e = "\\&" + e;
    return e;
  }
}
