package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Await;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TransferResult;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A scheduled full sync deletes as the full sync at start does ({@link DeletePolicy#atStartup}),
 * as config.md and engine.md's table of delete policies say: under {@code running} the extras the
 * initial sync kept stay at the target (a schedule deleted them, a second or six hours after the
 * start); under {@code startup} the schedule removes what the source no longer has (it deleted
 * nothing). Real inotify, real rsync into a local directory.
 */
class ScheduleDeletePolicyTest {
  @RegisterExtension final EngineFixture engine = new EngineFixture("sched");

  @ParameterizedTest(name = "delete = {0}")
  @EnumSource(value = DeletePolicy.class, names = {"RUNNING", "STARTUP", "NEVER", "ALWAYS"})
  void aScheduledFullSyncDeletesAsTheStartDoes(DeletePolicy policy) throws Exception {
    Trees.write(at(engine.src, "kept"), "at the source");
    Trees.write(at(engine.dst, "before"), "on the target before the start");
    List<WorkItem.FullSync> fullSyncs = new CopyOnWriteArrayList<>();
    DeliveryListener listener = new DeliveryListener() {
      @Override
      public void delivered(String target, WorkItem item, TransferResult result, long nowNanos) {
        if (item instanceof WorkItem.FullSync f) fullSyncs.add(f);
      }
    };
    var s = engine.settings().delete(policy).maxDelete(dev.livesync.settings.MaxDelete.OFF).schedule(Duration.ofSeconds(1)).build();
    engine.start(s, List.of(engine.local()), listener);
    Await.until("the start's full sync", Await.CONVERGE, () -> fullSyncs.size() >= 1, fullSyncs::toString);
    boolean startDeleted = !Files.exists(Trees.path(at(engine.dst, "before")));
    assertThat(startDeleted).as("the start's full sync deletes under " + policy).isEqualTo(policy.atStartup());
    Trees.write(at(engine.dst, "later"), "on the target, made while running");
    int seen = fullSyncs.size();
    Await.until("a scheduled full sync", Await.CONVERGE, () -> fullSyncs.size() > seen, fullSyncs::toString);
    assertThat(fullSyncs.get(fullSyncs.size() - 1).delete()).as("the schedule's full sync").isEqualTo(policy.atStartup());
    assertThat(Files.exists(Trees.path(at(engine.dst, "later")))).as("an extra at the target after a schedule under " + policy)
        .isEqualTo(!policy.atStartup());
    assertThat(Files.exists(Trees.path(at(engine.dst, "before")))).isEqualTo(!policy.atStartup());
    assertThat(Files.readString(Trees.path(at(engine.dst, "kept")))).isEqualTo("at the source");
  }
}
