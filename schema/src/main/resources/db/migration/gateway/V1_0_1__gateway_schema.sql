-- The gateway schema. Until issue 14 each service's Flyway created its own schema; now one history applies every
-- folder, so each schema is created by the first migration of its folder.
CREATE SCHEMA IF NOT EXISTS gateway;
