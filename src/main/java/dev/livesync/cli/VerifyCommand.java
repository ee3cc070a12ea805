package dev.livesync.cli;

import dev.livesync.config.Config;
import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.ops.Dirs;
import dev.livesync.ops.SyncSet;
import dev.livesync.ops.Verifier;
import dev.livesync.ops.VerifyRecord;
import dev.livesync.transport.RsyncTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check that each target holds exactly the source.",
      "An itemized dry run (rsync -n -i) of each source against each of its targets: changes nothing.",
      "Prints missing, extra and differing paths (the first " + Verifier.FIRST + " of each) and saves the",
      "result for 'livesync status'. Exit 0 when equal, 1 on drift, 2 if a compare could not run."
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec cmd;

  @Mixin SyncArgs syncArgs;

  @Option(names = "--checksum", description = "Compare file contents (reads every file on both sides), not size and mtime.")
  boolean checksum;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the result is saved (default: the config's, else ${DEFAULT-VALUE}).")
  Path stateDir;

  @Override
  public Integer call() throws InterruptedException {
    Config config = syncArgs.loadConfig();
    List<SyncSet> syncs = syncArgs.syncs(config, true);
    if (syncs.isEmpty()) {
      throw new LivesyncException("verify needs --config FILE or SOURCE TARGET... (e.g. livesync verify /data rsync://user@host/module --password-file F)", 2);
    }
    List<Verifier.Pair> pairs = new ArrayList<>();
    for (SyncSet s : syncs) {
      for (SyncSet.TargetRef t : s.targets()) {
        pairs.add(new Verifier.Pair(Bytes.display(s.sourceBytes()), RsyncTransport.open(s.sourceBytes(), t.url(), t.options())));
      }
    }
    VerifyRecord r;
    try {
      r = Verifier.run(pairs, checksum);
    } finally {
      for (Verifier.Pair p : pairs) p.transport().close();
    }
    cmd.commandLine().getOut().print(Verifier.render(r));
    cmd.commandLine().getOut().flush();
    Path state = stateDir != null ? stateDir : config != null ? config.stateDir() : Dirs.state();
    try {
      r.save(state);
    } catch (IOException e) {
      cmd.commandLine().getErr().println("livesync: cannot save the result in " + state + ": " + e.getMessage());
    }
    return Verifier.exitCode(r);
  }
}
