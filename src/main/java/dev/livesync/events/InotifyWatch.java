package dev.livesync.events;

import static dev.livesync.fs.InotifyMask.IN_ALL_EVENTS;
import static dev.livesync.fs.InotifyMask.IN_CREATE;
import static dev.livesync.fs.InotifyMask.IN_DONT_FOLLOW;
import static dev.livesync.fs.InotifyMask.IN_IGNORED;
import static dev.livesync.fs.InotifyMask.IN_MOVED_TO;
import static dev.livesync.fs.InotifyMask.IN_Q_OVERFLOW;
import static dev.livesync.fs.InotifyMask.IN_UNMOUNT;

import dev.livesync.fs.NativeException;
import dev.livesync.fs.Signals;
import dev.livesync.fs.TreeWatcher;
import dev.livesync.fs.Watcher;
import dev.livesync.fs.WatchEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code livesync stats}: a drop-in for inotifywatch (inotify-tools 4.25.9): counts events per
 * watched file/directory until SIGINT, SIGTERM, SIGHUP or -t, then prints inotifywatch's table.
 */
public final class InotifyWatch {
  private final WatchOptions o;
  private final PrintStream out;
  /** Under {@link #out}: its write errors, which the PrintStream keeps to itself. */
  private final OutputStream outBytes;
  private final PrintStream err;
  private final StatsTable table = new StatsTable();
  private final AtomicBoolean done = new AtomicBoolean();
  private final AtomicBoolean settingUp = new AtomicBoolean(true);
  private final AtomicInteger interrupts = new AtomicInteger();
  private volatile Watcher watcher;
  /** fanotify: one row per directory events came from (inotify's rows are its watches), numbered as they appear. */
  private final java.util.Map<String, Integer> dirRows = new java.util.HashMap<>();
  private RegexOption filter;
  private int events;
  private int nextWd = 1;
  private PathList list = PathList.NONE;

  private InotifyWatch(WatchOptions o, ToolStreams streams) {
    this.o = o;
    this.out = streams.outText();
    this.outBytes = streams.out();
    this.err = streams.err();
  }

  static int run(String[] args, InputStream stdin, OutputStream stdout, OutputStream stderr, boolean signals) {
    return ToolStreams.run(stdout, stderr, s -> run(args, stdin, s, signals));
  }

  static int run(String[] args, InputStream stdin, ToolStreams s, boolean signals) {
    WatchOptions o = WatchOptions.parse(args, s.outText(), s.err());
    if (o == null) return 1;
    var tool = new InotifyWatch(o, s);
    if (signals) tool.installSignals();
    return tool.run(stdin);
  }

  private void installSignals() {
    Signals.handle(name -> {
      if (name.equals("USR1")) printNow();
      else onSignal(name);
    });
  }

  private void onSignal(String name) {
    if (settingUp.get()) {
      if (!name.equals("INT")) Runtime.getRuntime().halt(128 + (name.equals("TERM") ? 15 : 1));
      if (interrupts.getAndIncrement() > 0) {
        err.print("No statistics collected, asked to abort before all watches could be established.\n");
        Runtime.getRuntime().halt(1);
      }
      err.print("No statistics have been collected because I haven't finished establishing\n"
          + "inotify watches yet.  If you are sure you want me to exit, interrupt me again.\n");
      return;
    }
    done.set(true);
    Watcher w = watcher;
    if (w != null) w.wakeup();
  }

  private void printNow() {
    synchronized (table) {
      printInfo();
      out.print("\n");
      out.flush();
    }
  }

  private int run(InputStream stdin) {
    if (!compileRegex()) return 1;
    events = o.events == 0 ? IN_ALL_EVENTS : o.events;
    if (o.noDereference > 0) events |= IN_DONT_FOLLOW;
    Watcher w;
    try {
      w = Backend.open(o.fanotify, o.filesystem, events, o.recursive > 0, this::excluded, this::onWatchError);
    } catch (NativeException e) {
      Backend.initError(err, o.fanotify, e);
      return 1;
    }
    try (w) {
      watcher = w;
      return runWith(w, stdin);
    }
  }

  private boolean compileRegex() {
    filter = o.compileRegex(err);
    return filter != null;
  }

  private boolean excluded(byte[] path) {
    return settingUp.get() && list.excludes(path);
  }

  private void onWatchError(byte[] dir, NativeException e) {
    Backend.watchError(dir, e, settingUp.get(), err::print);
  }

  private int runWith(Watcher w, InputStream stdin) {
    PathList given = PathList.buildOrSay(o.operands, o.fromfile, stdin, err);
    if (given == null) return 1;
    list = given;
    err.print("Establishing watches...\n");
    boolean filesystem = o.fanotify && o.filesystem;
    for (int i = 0; i < list.watch().size(); i++) {
      String file = list.watch().get(i);
      if (filesystem && i == 0) err.print("Setting up filesystem watch on " + file + "\n");
      if (!filesystem && o.recursive > 0 && o.verbose > 0) err.print("Setting up watch(es) on " + file + "\n");
      try {
        w.watch(Messages.bytes(file));
      } catch (NativeException e) {
        Backend.watchFailed(e, file, list, o.fanotify, filesystem, "Failed to watch ", err::print);
        return 1;
      }
      if (!o.fanotify) learnNewWatches(i, true);
      if (!filesystem && o.recursive > 0 && o.verbose > 0) err.print("OK, " + file + " is now being watched.\n");
    }
    if (o.verbose > 0) err.print("Total of " + w.watchCount() + " watches.\n");
    err.print("Finished establishing watches, now collecting statistics.\n");
    if (o.timeout < 0) {
      err.print("Negative timeout specified - abort!\n");
      return 1;
    }
    if (o.timeout > 0 && o.verbose > 0) err.print("Will listen for events for " + o.timeout + " seconds.\n");
    settingUp.set(false);
    loop(w);
    synchronized (table) {
      return printInfo();
    }
  }

  /** Records the watches the watcher made since the last call (wds are handed out in increasing order). */
  private void learnNewWatches(int root, boolean setup) {
    if (!(watcher instanceof TreeWatcher tw)) return;
    tw.forEachWatch(nextWd, (wd, path) -> {
      if (!table.knows(wd)) table.addWatch(wd, RawArgs.latin1(path), root, setup);
      nextWd = wd + 1;
    });
  }

  private void loop(Watcher w) {
    long deadline = o.timeout > 0 ? System.nanoTime() / 1_000_000 + o.timeout * 1000 : -1;
    // inotifywatch only follows new directories when it asked for the events that announce them
    boolean followsNewDirs = o.recursive > 0 && (events & (IN_CREATE | IN_MOVED_TO)) != 0;
    List<WatchEvent> batch = new ArrayList<>();
    int kernelMask = (events & IN_ALL_EVENTS) | IN_IGNORED | IN_Q_OVERFLOW | IN_UNMOUNT;
    while (!done.get()) {
      long wait = -1;
      if (deadline >= 0) {
        wait = deadline - System.nanoTime() / 1_000_000;
        if (wait <= 0) return;
      }
      batch.clear();
      w.poll(wait, batch::add);
      synchronized (table) {
        if (followsNewDirs) learnNewWatches(-1, false);
        for (WatchEvent e : batch) {
          if ((e.mask() & kernelMask) == 0 || filter.filteredOut(e, o.recursive > 0)) continue;
          String dir = RawArgs.latin1(e.watchPath());
          int wd = e.wd();
          if (o.fanotify) {
            wd = dirRows.computeIfAbsent(dir, d -> {
              int row = dirRows.size() + 1;
              table.addWatch(row, d, -1, false);
              return row;
            });
          }
          table.record(wd, e.mask(), dir);
        }
      }
    }
  }

  private int printInfo() {
    if (table.total() == 0) {
      err.print("No events occurred.\n");
      return 0;
    }
    try {
      out.flush();
      outBytes.write(table.render(events, o.zero > 0, o.sort));
      outBytes.flush();
    } catch (IOException e) {
      // `inotifywatch … | true`: writing the table kills inotifywatch with SIGPIPE; other write
      // errors go unsaid, as printf's do there
      if (Signals.brokenPipe(e)) Signals.dieOfBrokenPipe();
    }
    return 0;
  }
}
