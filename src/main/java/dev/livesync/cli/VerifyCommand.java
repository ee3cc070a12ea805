package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.fs.Bytes;
import dev.livesync.ops.status.VerifyRecord;
import dev.livesync.ops.verify.Verifier;
import dev.livesync.sync.EngineSettings;
import dev.livesync.transport.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    defaultValueProvider = KeyDefaults.class,
    description = {
      "Check that each target holds exactly the source.",
      "An itemized dry run (rsync -n -i) of each source against each of its targets: changes nothing.",
      "Prints missing, extra and differing paths (the first " + Verifier.FIRST + " of each; a differing one with what differs:",
      "content, mtime, permissions...) and saves the result for 'livesync status'.",
      "Takes what 'livesync run' takes (--config FILE, or SOURCE TARGET... with run's flags). Exit 0 when equal, 1 on drift,",
      "or when part of the source could not be read (listed; the rest is compared), 69 if a compare could not run",
      "(the target unreachable or refusing us, or its directory not there)."
    })
final class VerifyCommand extends Subcommand {

  @Mixin SyncFlags syncFlags;


  @Override
  public Integer call() throws InterruptedException {
    Config config = syncFlags.loadConfig();
    if (config == null && syncFlags.args.isEmpty()) {
      throw new LivesyncException("verify needs --config FILE or SOURCE TARGET... (e.g. livesync verify /data rsync://user@host/module --password-file F)", 2);
    }
    // --checksum: compare contents (reads every file on both sides), with a config too
    List<EngineSettings> syncs = syncFlags.syncs(config, true, "--checksum");
    syncFlags.preflight(config, syncs); // a bad password_file, a missing source: in run's words, located in the config
    List<Verifier.Pair> pairs = new ArrayList<>();
    try {
      for (EngineSettings s : syncs) {
        for (Transport t : s.openTransports(false)) pairs.add(new Verifier.Pair(Bytes.display(s.source()), t));
      }
    } catch (RuntimeException e) {
      for (Verifier.Pair p : pairs) p.transport().close();
      throw e;
    }
    VerifyRecord r;
    try {
      r = Verifier.run(pairs, syncFlags.checksum);
    } finally {
      for (Verifier.Pair p : pairs) p.transport().close();
    }
    out().print(Verifier.render(r));
    out().flush();
    Path state = syncFlags.stateRoot(config);
    try {
      r.save(state);
    } catch (IOException e) {
      err().println("livesync: cannot save the result in " + state + ": " + e.getMessage());
    }
    return Verifier.exitCode(r);
  }
}
