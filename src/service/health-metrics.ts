/**
 * Connection-health gauges read from the CQL driver's own host state and from the readiness
 * probe, refreshed just before each /metrics scrape (so a scrape always shows the present).
 */
import { Gauge } from 'prom-client';
import type { Registry } from '../metrics.js';
import type { CqlSession } from '../store/session.js';

export interface HealthMetricsOptions {
  readonly session: CqlSession;
  /** Whether a Kafka broker answered the last readiness check. */
  readonly kafkaConnected?: () => Promise<boolean>;
}

export interface HealthMetrics {
  refresh(): Promise<void>;
}

export function healthMetrics(registry: Registry, options: HealthMetricsOptions): HealthMetrics {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> =>
    get(name, () => new Gauge<L>({ name, help, labelNames, registers: [registry] }));

  // Same name and help as writerMetrics() registers, so either may come first.
  const inFlight = gauge('pinstate_cql_in_flight_requests', 'CQL requests in flight from this process.');
  const connectedHosts = gauge('pinstate_cql_connected_hosts', 'Database hosts this process holds at least one open connection to.');
  const hostUp = gauge('pinstate_cql_host_up', 'Whether the driver considers a database host up (1) or down (0), per host.', ['host']);
  const openConnections = gauge('pinstate_cql_host_open_connections', 'Open CQL connections per database host.', ['host']);
  const hostInFlight = gauge('pinstate_cql_host_in_flight_requests', 'CQL requests in flight per database host (driver view).', ['host']);
  const kafkaConnected = options.kafkaConnected === undefined ? undefined : gauge('pinstate_kafka_connected', 'Whether a Kafka broker answered the last metadata request (1) or not (0).');

  return {
    async refresh() {
      const { client } = options.session;
      inFlight.set(options.session.inFlight());
      const state = client.getState();
      connectedHosts.set(state.getConnectedHosts().length);
      hostUp.reset();
      openConnections.reset();
      hostInFlight.reset();
      for (const host of client.hosts.values()) {
        hostUp.set({ host: host.address }, host.isUp() ? 1 : 0);
        openConnections.set({ host: host.address }, state.getOpenConnections(host));
        hostInFlight.set({ host: host.address }, state.getInFlightQueries(host));
      }
      if (kafkaConnected !== undefined && options.kafkaConnected !== undefined) kafkaConnected.set((await options.kafkaConnected()) ? 1 : 0);
    },
  };
}
