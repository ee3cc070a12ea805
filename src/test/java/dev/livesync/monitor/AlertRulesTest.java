package dev.livesync.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules shipped in docs/livesync-alerts.yml, evaluated by the real {@code promtool test rules}
 * over made-up series (promtool's clock starts at Unix time 0; one sample a minute).
 */
class AlertRulesTest {
  private static final Path RULES = Path.of(System.getProperty("livesync.home", ".")).resolve("docs/livesync-alerts.yml").toAbsolutePath();

  @TempDir Path tmp;

  private String promtoolTest(String tests) throws Exception {
    Path file = Files.writeString(tmp.resolve("alerts-test.yml"),
        "rule_files:\n  - " + RULES + "\nevaluation_interval: 1m\ntests:\n" + tests);
    var r = PrometheusServer.promtool(List.of("test", "rules", file.toString()), null);
    assertThat(r.exit()).as("promtool test rules:\n%s", r.output()).isZero();
    return r.output();
  }

  /**
   * A livesync restarted with its target down reports 0 as its last success ("none since start"):
   * the alert waits 15 minutes from the start. A target whose last transfer is 15 minutes old with
   * work queued fires, counted from that transfer; one with nothing queued does not.
   */
  @Test
  void noSuccessMeansFifteenMinutesWithWorkQueuedAndNoTransferNotARestart() throws Exception {
    // a day in (time() is the Unix time: a zero timestamp is 86,400 s old), with three livesyncs
    promtoolTest("""
          - interval: 1m
            input_series:
              # a: restarted at 24h with its target down, work queued, nothing arrived since
              - series: 'process_start_time_seconds{job="livesync",instance="a:9100"}'
                values: '_x1439 86400x60'
              - series: 'livesync_queued_items{job="livesync",instance="a:9100",sync="home",target="backup::home"}'
                values: '_x1439 3x60'
              - series: 'livesync_last_success_timestamp_seconds{job="livesync",instance="a:9100",sync="home",target="backup::home"}'
                values: '_x1439 0x60'
              # b: running since 0; its last transfer arrived at 24h10m, work queued since
              - series: 'process_start_time_seconds{job="livesync",instance="b:9100"}'
                values: '0x1500'
              - series: 'livesync_queued_items{job="livesync",instance="b:9100",sync="home",target="backup::home"}'
                values: '0x1449 2x60'
              - series: 'livesync_last_success_timestamp_seconds{job="livesync",instance="b:9100",sync="home",target="backup::home"}'
                values: '0x1449 87000x60'
              # c: restarted at 24h, nothing arrived since, but nothing is queued
              - series: 'process_start_time_seconds{job="livesync",instance="c:9100"}'
                values: '_x1439 86400x60'
              - series: 'livesync_queued_items{job="livesync",instance="c:9100",sync="home",target="backup::home"}'
                values: '_x1439 0x60'
              - series: 'livesync_last_success_timestamp_seconds{job="livesync",instance="c:9100",sync="home",target="backup::home"}'
                values: '_x1439 0x60'
            alert_rule_test:
              - eval_time: 24h1m
                alertname: LivesyncNoSuccess
                exp_alerts: []
              - eval_time: 24h14m
                alertname: LivesyncNoSuccess
                exp_alerts: []
              - eval_time: 24h16m
                alertname: LivesyncNoSuccess
                exp_alerts:
                  - exp_labels: {severity: warning, job: livesync, instance: "a:9100", sync: home, target: "backup::home"}
                    exp_annotations:
                      summary: "backup::home (sync home) on a:9100 has work queued and no transfer arrived for 15 minutes"
              - eval_time: 24h24m
                alertname: LivesyncNoSuccess
                exp_alerts:
                  - exp_labels: {severity: warning, job: livesync, instance: "a:9100", sync: home, target: "backup::home"}
                    exp_annotations:
                      summary: "backup::home (sync home) on a:9100 has work queued and no transfer arrived for 15 minutes"
              - eval_time: 24h26m
                alertname: LivesyncNoSuccess
                exp_alerts:
                  - exp_labels: {severity: warning, job: livesync, instance: "a:9100", sync: home, target: "backup::home"}
                    exp_annotations:
                      summary: "backup::home (sync home) on a:9100 has work queued and no transfer arrived for 15 minutes"
                  - exp_labels: {severity: warning, job: livesync, instance: "b:9100", sync: home, target: "backup::home"}
                    exp_annotations:
                      summary: "backup::home (sync home) on b:9100 has work queued and no transfer arrived for 15 minutes"
        """);
  }

  /**
   * Two hosts with the same sync name and target URL are two alerts, each naming its host: no
   * aggregation drops {@code instance} or {@code job}.
   */
  @Test
  void twoHostsWithTheSameSyncAndTargetAreTwoAlerts() throws Exception {
    StringBuilder series = new StringBuilder();
    for (String host : List.of("a:9100", "b:9100")) {
      String labels = "job=\"livesync\",instance=\"" + host + "\",sync=\"home\",target=\"backup::home\"";
      // every delivered path took between 30 s and 60 s: the 99th percentile is 59.7 s
      series.append("      - series: 'livesync_lag_seconds_bucket{").append(labels).append(",le=\"30.0\"}'\n        values: '0x30'\n");
      series.append("      - series: 'livesync_lag_seconds_bucket{").append(labels).append(",le=\"60.0\"}'\n        values: '0+10x30'\n");
      series.append("      - series: 'livesync_lag_seconds_bucket{").append(labels).append(",le=\"+Inf\"}'\n        values: '0+10x30'\n");
      // one rsync run a minute exits 10
      series.append("      - series: 'livesync_rsync_runs_total{").append(labels).append(",code=\"10\"}'\n        values: '0+1x30'\n");
    }
    StringBuilder lag = new StringBuilder();
    StringBuilder errors = new StringBuilder();
    for (String host : List.of("a:9100", "b:9100")) {
      lag.append("""
                  - exp_labels: {severity: warning, job: livesync, instance: "%s", sync: home, target: "backup::home"}
                    exp_annotations:
                      summary: "sync home -> backup::home on %s: 99th percentile lag 59.7s"
                      description: "Changes take longer than 30 s to reach the backup; look at livesync_queued_paths and the target's bandwidth."
          """.formatted(host, host));
      errors.append("""
                  - exp_labels: {severity: warning, job: livesync, instance: "%s", sync: home, target: "backup::home", code: "10"}
                    exp_annotations:
                      summary: "rsync to backup::home on %s exited 10 about 10 times in 10 minutes"
                      description: "The exit code in words: `livesync status`; see the rsync manual's EXIT VALUES."
          """.formatted(host, host));
    }
    promtoolTest("""
          - interval: 1m
            input_series:
        %s
            alert_rule_test:
              - eval_time: 20m
                alertname: LivesyncLagHigh
                exp_alerts:
        %s
              - eval_time: 20m
                alertname: LivesyncRsyncErrors
                exp_alerts:
        %s
        """.formatted(series.toString().stripTrailing(), lag.toString().stripTrailing(), errors.toString().stripTrailing()));
  }
  /**
   * increase() extrapolates to the window's edges, so a count is seldom whole: a summary said
   * "exited 10 5.3125 times" (a real scrape, "5.02011811023622 times"). It says "about 5 times".
   */
  @Test
  void countsInSummariesAreRoundedNotPrintedWithEveryDigit() throws Exception {
    String labels = "job=\"livesync\",instance=\"a:9100\",sync=\"home\"";
    promtoolTest("""
          - interval: 50s
            input_series:
              - series: 'livesync_rsync_runs_total{%1$s,target="backup::home",code="10"}'
                values: '0 1 1 2 3 3 4 5 5 6 7 7 8 9 9 10 11 11 12 13 13'
              - series: 'livesync_queue_overflows_total{%1$s}'
                values: '5 5 6 6 7 7 8 8 9 9 10 10 11 11 12 12 13 13 14 14 15'
            alert_rule_test:
              - eval_time: 20m
                alertname: LivesyncRsyncErrors
                exp_alerts:
                  - exp_labels: {severity: warning, job: livesync, instance: "a:9100", sync: home, target: "backup::home", code: "10"}
                    exp_annotations:
                      summary: "rsync to backup::home on a:9100 exited 10 about 5 times in 10 minutes"
                      description: "The exit code in words: `livesync status`; see the rsync manual's EXIT VALUES."
              - eval_time: 20m
                alertname: LivesyncQueueOverflows
                exp_alerts:
                  - exp_labels: {severity: warning, job: livesync, instance: "a:9100", sync: home}
                    exp_annotations:
                      summary: "sync home: the kernel's event queue overflowed about 10 times in an hour (each costs a full sync)"
                      description: "Raise fs.inotify.max_queued_events, or fs.fanotify.max_queued_events for a sync watched with fanotify (`livesync doctor --fix` raises what its syncs use)."
        """.formatted(labels));
  }
}
