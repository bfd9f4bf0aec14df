#include "mallard/lake/maintenance_commit.hpp"

#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_commit.hpp"
#include "mallard/lake/ducklake_transaction.hpp"

#include "duckdb/common/file_system.hpp"
#include "duckdb/main/client_context.hpp"

namespace duckdb {

vector<string> MaintenanceCommit::Run(ClientContext &context, DuckLakeCatalog &catalog, MaintenanceCommit step) {
	auto &transaction = DuckLakeTransaction::Get(context, catalog);
	if (transaction.CommitsMaintenanceNow()) {
		return RunNow(context, catalog, step, transaction.GetCommitMessage());
	}
	transaction.AddMaintenance(std::move(step));
	return {};
}

vector<string> MaintenanceCommit::RunNow(ClientContext &context, DuckLakeCatalog &catalog,
                                         const MaintenanceCommit &step, const SnapshotMessage &message) {
	vector<string> left_out;
	try {
		LakeCommit::RunCatalogTransaction(context, catalog, [&](MetadataConnection &conn) {
			if (step.makes_snapshot) {
				LakeCommit::CheckCommitMessage(conn, catalog, message.commit_message);
			}
			left_out = step.write(conn, message);
		});
	} catch (...) {
		RemoveFiles(FileSystem::GetFileSystem(context), step.written_files);
		throw;
	}
	RemoveFiles(FileSystem::GetFileSystem(context), left_out);
	if (step.after_commit) {
		step.after_commit();
	}
	return left_out;
}

void MaintenanceCommit::RemoveFiles(FileSystem &fs, const vector<string> &paths) {
	for (auto &path : paths) {
		try {
			fs.TryRemoveFile(path);
		} catch (...) {
			// Left for ducklake_delete_orphaned_files: nothing in the catalog points at it.
		}
	}
}

} // namespace duckdb
