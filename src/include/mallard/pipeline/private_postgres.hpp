//===----------------------------------------------------------------------===//
// mallard/pipeline/private_postgres.hpp
//
// A throw-away PostgreSQL server for `mallard demo`, so the demo needs no server set up by the
// user: Debian's binaries under /usr/lib/postgresql/*/bin, a cluster in a temporary folder on a
// free loopback port, trust auth, fsync off; run as the `postgres` OS user when we are root
// (initdb refuses root). The same recipe as test/scripts/postgres.sh, which the tests use.
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb.hpp"

namespace duckdb {

class PrivatePostgres {
public:
	//! Creates and starts the server; throws IOException saying what to install when there is none.
	PrivatePostgres();
	//! Stops the server and removes its folder.
	~PrivatePostgres();

	void Stop();
	string ConnectionString() const;
	string Description() const;

private:
	//! Runs a server program (as the cluster's owner), output into the cluster's log; its exit code.
	int RunProgram(const vector<string> &arguments);
	//! Forks the child that stops the server and removes its folder should we die without Stop().
	void StartWatchdog();

	string bin;
	string folder;
	int port = 0;
	bool running = false;
	//! Whether programs run through `runuser -u postgres` (we are root).
	bool as_postgres_user = false;
	int watchdog_pipe = -1;
	int watchdog_pid = -1;
};

} // namespace duckdb
