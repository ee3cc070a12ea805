package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.ops.Dirs;
import dev.livesync.ops.Verifier;
import dev.livesync.ops.VerifyRecord;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check that each target holds exactly the source.",
      "An itemized dry run (rsync -n -i) of the source against each target: changes nothing.",
      "Prints missing, extra and differing paths (the first " + Verifier.FIRST + " of each) and saves the",
      "result for 'livesync status'. Exit 0 when equal, 1 on drift, 2 if a compare could not run."
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec cmd;

  @Option(names = "--checksum", description = "Compare file contents (reads every file on both sides), not size and mtime.")
  boolean checksum;

  @Option(names = "--password-file", paramLabel = "FILE", description = "Password file for rsync daemon targets (mode 0600).")
  Path passwordFile;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the result is saved (default: ${DEFAULT-VALUE}).")
  Path stateDir = Dirs.state();

  @Parameters(paramLabel = "SOURCE TARGET", description = "A source directory, then its targets (as for 'run').")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    if (args.size() < 2) throw new LivesyncException("verify needs SOURCE TARGET... (e.g. livesync verify /data rsync://user@host/module --password-file F)", 2);
    byte[] source = Bytes.of(Path.of(args.getFirst()).toAbsolutePath().normalize().toString());
    TargetOptions options = TargetOptions.defaults().withPasswordFile(passwordFile);
    List<Verifier.Pair> pairs = new ArrayList<>();
    for (String t : args.subList(1, args.size())) pairs.add(new Verifier.Pair(Bytes.display(source), RsyncTransport.open(source, t, options)));
    VerifyRecord r = Verifier.run(pairs, checksum);
    cmd.commandLine().getOut().print(Verifier.render(r));
    cmd.commandLine().getOut().flush();
    try {
      r.save(stateDir);
    } catch (IOException e) {
      cmd.commandLine().getErr().println("livesync: cannot save the result in " + stateDir + ": " + e.getMessage());
    }
    return Verifier.exitCode(r);
  }
}
