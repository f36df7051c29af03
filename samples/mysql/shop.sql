-- The sample tables of the local profile's source database, created on the first run.
-- H2 runs them in MySQL mode; the same statements run on MySQL and MariaDB. They may run again
-- over existing tables (a new data folder, the same database): rows already there are left alone.
CREATE TABLE IF NOT EXISTS customers (
  id BIGINT NOT NULL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(200),
  country CHAR(2),
  vip BOOLEAN NOT NULL DEFAULT FALSE,
  credit DECIMAL(12,2),
  signed_up DATE,
  updated_at TIMESTAMP NOT NULL
);
INSERT IGNORE INTO customers (id, name, email, country, vip, credit, signed_up, updated_at) VALUES
  (1, 'Ada Lovelace', 'ada@example.org', 'GB', TRUE, 1250.50, '2024-01-15', '2026-11-01 10:00:00'),
  (2, 'Alan Turing', 'alan@example.org', 'GB', FALSE, 0.00, '2024-02-03', '2026-11-01 10:05:00'),
  (3, 'Grace Hopper', NULL, 'US', TRUE, 98000.00, '2023-12-09', '2026-11-02 08:30:00'),
  (4, 'Edsger Dijkstra', 'edsger@example.org', 'NL', FALSE, NULL, NULL, '2026-11-03 17:45:10'),
  (5, 'Barbara Liskov', 'barbara@example.org', 'US', FALSE, 42.42, '2025-06-30', '2026-11-03 17:45:10');
CREATE TABLE IF NOT EXISTS payments (
  id BIGINT NOT NULL PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  amount DECIMAL(10,2) NOT NULL,
  paid_at TIMESTAMP NOT NULL,
  method VARCHAR(20),
  exported BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT IGNORE INTO payments (id, customer_id, amount, paid_at, method) VALUES
  (101, 1, 129.90, '2026-11-02 09:15:00', 'card'),
  (102, 2, 15.00, '2026-11-02 11:00:00', 'transfer'),
  (103, 3, 2499.99, '2026-11-05 17:40:12', 'card'),
  (104, 1, 7.25, '2026-11-09 08:00:00', NULL);
