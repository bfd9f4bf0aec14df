//===----------------------------------------------------------------------===//
// mallard/lake/maintenance_commit.hpp
//
// How the maintenance steps that replace data (flush of inlined rows, merge of adjacent files,
// rewrite of files with deletes) put their change into the catalog. A step is part of the
// transaction it is called in, as DuckLake makes it: in autocommit its statement's, which a failing
// statement rolls back (SELECT error(...) FROM ducklake_merge_adjacent_files(...) merges nothing);
// inside BEGIN ... COMMIT the user's. It commits, as a snapshot of its own, when the transaction
// does, after the transaction's own changes, and a ROLLBACK undoes it. Committed first, it would
// replace the very files the transaction's own deletes and updates point at, and fail that
// transaction's commit as a conflict. CHECKPOINT's steps commit one by one as they run.
// set_option's change is always handed to the transaction (DuckLakeTransaction::AddMaintenance).
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/metadata_store.hpp"

#include "duckdb/common/types/value.hpp"

#include <functional>

namespace duckdb {

class ClientContext;
class DuckLakeCatalog;
class FileSystem;

//! Who made a snapshot and why (set_commit_message), for the snapshot a maintenance step makes.
struct SnapshotMessage {
	Value author;
	Value commit_message;
};

struct MaintenanceCommit {
	//! The data files the step wrote (full paths): removed when the step fails, changes nothing or is
	//! rolled back, since the catalog never points at them then.
	vector<string> written_files;
	//! Writes the step's change inside one catalog transaction (again after a collision with another
	//! writer), a snapshot of its own carrying the message when it makes one; returns the written files
	//! it left out because a commit since the step read the catalog changed what they replace (all of
	//! them when it changed nothing).
	std::function<vector<string>(MetadataConnection &, const SnapshotMessage &)> write;
	//! The step makes a snapshot (flush, merge, rewrite): the lake's require_commit_message applies.
	bool makes_snapshot = false;
	//! Runs once the catalog transaction committed (optional): forgets what the change made stale.
	std::function<void()> after_commit;

	//! Registers the step with the lake's transaction, or commits it now (CHECKPOINT). Returns the
	//! files left out by a commit made now (none when deferred).
	static vector<string> Run(ClientContext &context, DuckLakeCatalog &catalog, MaintenanceCommit step);
	//! Commits the step now, with the message of the transaction it was called in, and removes what it
	//! left out; used by Run and by a transaction's commit.
	static vector<string> RunNow(ClientContext &context, DuckLakeCatalog &catalog, const MaintenanceCommit &step,
	                             const SnapshotMessage &message);
	//! Removes the written files (a failed or rolled-back step).
	static void RemoveFiles(FileSystem &fs, const vector<string> &paths);
};

} // namespace duckdb
