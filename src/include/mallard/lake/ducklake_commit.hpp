//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_commit.hpp
//
// Turns a transaction's local changes into one new snapshot (spec: "Commits"). Inside one catalog
// transaction it reads the latest snapshot, checks what was committed since this transaction
// started for logical conflicts, hands out ids, and writes every row. Two writers racing for the
// same snapshot id collide on its primary key; the loser retries with fresh ids after a jittered
// backoff, without rewriting any data file.
//===----------------------------------------------------------------------===//
#pragma once

#include "mallard/catalog/lake_metadata.hpp"
#include "mallard/catalog/metadata_store.hpp"

#include <functional>

namespace duckdb {

class CatalogEntry;
class DuckLakeCatalog;
class DuckLakeTableEntry;
class DuckLakeTransaction;
class SnapshotWriter;

class LakeCommit {
public:
	explicit LakeCommit(DuckLakeTransaction &transaction);

	//! Commits, retrying on write collisions; throws TransactionException on a logical conflict.
	void Run();
	//! Runs `attempt` inside one catalog transaction, retrying (with backoff) when it collides with
	//! another writer; used by commits and by the maintenance functions.
	static void RunCatalogTransaction(DuckLakeCatalog &catalog, const std::function<void(MetadataConnection &)> &attempt);
	//! The id of the snapshot Run() wrote.
	idx_t CommittedSnapshot() const {
		return committed_snapshot;
	}

private:
	void Attempt(MetadataConnection &conn);
	void CheckConflicts(MetadataConnection &conn, idx_t since_snapshot);
	void WriteData(MetadataConnection &conn, SnapshotWriter &writer, SnapshotInfo &next);
	//! Writes what an ALTER changed on a committed table or view.
	void WriteAlteredEntry(const string &schema_name, CatalogEntry &entry, SnapshotWriter &writer, SnapshotInfo &next);
	//! The columns of the table as this transaction leaves it (after any ALTER).
	const vector<LakeColumnInfo> &CurrentColumns(idx_t table_id, DuckLakeTableEntry &written_to);
	//! Ends the committed partition spec and writes the table's new one, if it changed.
	void WritePartitionSpec(const LakeTableInfo &table, optional_idx committed_id, SnapshotWriter &writer,
	                        SnapshotInfo &next);

	//! A local id (of a schema, table or view created here) mapped to its real id.
	idx_t RealId(idx_t id) const;

	DuckLakeTransaction &transaction;
	unordered_map<idx_t, idx_t> local_to_real;
	vector<string> changes;
	idx_t committed_snapshot = 0;
};

} // namespace duckdb
