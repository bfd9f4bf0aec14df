//===----------------------------------------------------------------------===//
// mallard/catalog/snapshot_changes.hpp
//
// ducklake_snapshot_changes.changes_made: a comma-separated list of `kind:value`, where names are
// quoted SQL-style ("my ""table""") and ids are plain numbers (spec: ducklake_snapshot_changes).
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/common.hpp"

namespace duckdb {

struct SnapshotChange {
	string kind;
	string value;
};

struct SnapshotChanges {
	static string QuoteName(const string &name);
	//! A value of quoted names ("main"."t") as DuckLake's snapshots() shows it: main.t, a part
	//! quoted only where it needs to be. Any other value is returned as it is.
	static string DisplayName(const string &value);
	static vector<SnapshotChange> Parse(const string &changes_made);
};

} // namespace duckdb
