// The spec 1.0 catalog tables: creation, initial rows, checks, and the 0.3 / 0.4 -> 1.0 migration.
#include "catalog_test_util.hpp"

#include "mallard/catalog/metadata_tables.hpp"

#include <algorithm>
#include <set>

namespace duckdb {
namespace {

class MetadataTablesTest : public BackendTest {
protected:
	std::string Name() {
		return scratch->Location().DisplayName();
	}
	std::vector<std::string> ColumnNames(const std::string &table) {
		return conn->Query("SELECT * FROM " + conn->Table(table) + " LIMIT 0").names;
	}
	MetadataResult Select(const std::string &sql) {
		return conn->Query(sql);
	}
	std::string Metadata(const std::string &key) {
		auto result = Select("SELECT value FROM ducklake_metadata WHERE key = " + MetadataConnection::Literal(key));
		return result.RowCount() == 0 ? "<missing>" : result.GetValue(0, 0).ToString();
	}
	//! Every table holds exactly the spec 1.0 columns, in order.
	void ExpectSpecLayout() {
		for (auto &table : MetadataTableDefinitions()) {
			std::vector<std::string> expected;
			for (auto &column : table.columns) {
				expected.emplace_back(column.name);
			}
			EXPECT_EQ(ColumnNames(table.name), expected) << table.name;
		}
	}
	//! A 1.0 catalog relabelled `old_version` and missing a 1.0 table: refused without
	//! AUTOMATIC_MIGRATION and when read-only, then migrated to a complete 1.0 catalog.
	void ExpectMigratedFromLaterVersion(const std::string &old_version) {
		InitializeMetadataTables(*conn, "data/", {});
		conn->Execute("UPDATE ducklake_metadata SET value = '" + old_version + "' WHERE key = 'version'");
		conn->Execute("DROP TABLE ducklake_sort_expression");
		try {
			CheckMetadataTables(*conn, Name(), false, false);
			FAIL() << "expected an error";
		} catch (InvalidInputException &ex) {
			auto message = ErrorMessage(ex);
			EXPECT_NE(message.find("format version " + old_version), std::string::npos) << message;
			EXPECT_NE(message.find("AUTOMATIC_MIGRATION true"), std::string::npos) << message;
		}
		EXPECT_THROW(CheckMetadataTables(*conn, Name(), true, true), InvalidInputException);
		EXPECT_EQ(ReadMetadataVersion(*conn), old_version);

		EXPECT_EQ(CheckMetadataTables(*conn, Name(), true, false), MetadataTablesState::READY);
		EXPECT_EQ(ReadMetadataVersion(*conn), "1.0");
		ExpectSpecLayout();
		EXPECT_EQ(Metadata("data_path"), "data/");
		EXPECT_EQ(Select("SELECT COUNT(*) FROM ducklake_snapshot").GetValue(0, 0).GetValue<int64_t>(), 1);
	}
	//! A catalog as the ducklake extension of DuckDB 1.4 writes it (spec 0.3), with one table "t"
	//! (id 1) created in snapshot 1, renamed in 2, and a partial data file.
	void CreateVersion03Catalog() {
		auto B = conn->ColumnType("BIGINT");
		auto V = conn->ColumnType("VARCHAR");
		auto BOOL = conn->ColumnType("BOOLEAN");
		auto TS = conn->ColumnType("TIMESTAMPTZ");
		auto U = conn->ColumnType("UUID");
		conn->Execute(
		    "CREATE TABLE ducklake_metadata(key " + V + " NOT NULL, value " + V + " NOT NULL, scope " + V +
		    ", scope_id " + B +
		    ");"
		    "CREATE TABLE ducklake_snapshot(snapshot_id " +
		    B + " PRIMARY KEY, snapshot_time " + TS + ", schema_version " + B + ", next_catalog_id " + B +
		    ", next_file_id " + B +
		    ");"
		    "CREATE TABLE ducklake_snapshot_changes(snapshot_id " +
		    B + " PRIMARY KEY, changes_made " + V + ", author " + V + ", commit_message " + V + ", commit_extra_info " +
		    V +
		    ");"
		    "CREATE TABLE ducklake_schema(schema_id " +
		    B + " PRIMARY KEY, schema_uuid " + U + ", begin_snapshot " + B + ", end_snapshot " + B + ", schema_name " +
		    V + ", path " + V + ", path_is_relative " + BOOL +
		    ");"
		    "CREATE TABLE ducklake_table(table_id " +
		    B + ", table_uuid " + U + ", begin_snapshot " + B + ", end_snapshot " + B + ", schema_id " + B +
		    ", table_name " + V + ", path " + V + ", path_is_relative " + BOOL +
		    ");"
		    "CREATE TABLE ducklake_view(view_id " +
		    B + ", view_uuid " + U + ", begin_snapshot " + B + ", end_snapshot " + B + ", schema_id " + B +
		    ", view_name " + V + ", dialect " + V + ", sql " + V + ", column_aliases " + V +
		    ");"
		    "CREATE TABLE ducklake_tag(object_id " +
		    B + ", begin_snapshot " + B + ", end_snapshot " + B + ", key " + V + ", value " + V +
		    ");"
		    "CREATE TABLE ducklake_column_tag(table_id " +
		    B + ", column_id " + B + ", begin_snapshot " + B + ", end_snapshot " + B + ", key " + V + ", value " + V +
		    ");"
		    "CREATE TABLE ducklake_data_file(data_file_id " +
		    B + " PRIMARY KEY, table_id " + B + ", begin_snapshot " + B + ", end_snapshot " + B + ", file_order " + B +
		    ", path " + V + ", path_is_relative " + BOOL + ", file_format " + V + ", record_count " + B +
		    ", file_size_bytes " + B + ", footer_size " + B + ", row_id_start " + B + ", partition_id " + B +
		    ", encryption_key " + V + ", partial_file_info " + V + ", mapping_id " + B +
		    ");"
		    "CREATE TABLE ducklake_file_column_stats(data_file_id " +
		    B + ", table_id " + B + ", column_id " + B + ", column_size_bytes " + B + ", value_count " + B +
		    ", null_count " + B + ", min_value " + V + ", max_value " + V + ", contains_nan " + BOOL +
		    ", extra_stats " + V +
		    ");"
		    "CREATE TABLE ducklake_delete_file(delete_file_id " +
		    B + " PRIMARY KEY, table_id " + B + ", begin_snapshot " + B + ", end_snapshot " + B + ", data_file_id " +
		    B + ", path " + V + ", path_is_relative " + BOOL + ", format " + V + ", delete_count " + B +
		    ", file_size_bytes " + B + ", footer_size " + B + ", encryption_key " + V +
		    ");"
		    "CREATE TABLE ducklake_column(column_id " +
		    B + ", begin_snapshot " + B + ", end_snapshot " + B + ", table_id " + B + ", column_order " + B +
		    ", column_name " + V + ", column_type " + V + ", initial_default " + V + ", default_value " + V +
		    ", nulls_allowed " + BOOL + ", parent_column " + B +
		    ");"
		    "CREATE TABLE ducklake_table_stats(table_id " +
		    B + ", record_count " + B + ", next_row_id " + B + ", file_size_bytes " + B +
		    ");"
		    "CREATE TABLE ducklake_table_column_stats(table_id " +
		    B + ", column_id " + B + ", contains_null " + BOOL + ", contains_nan " + BOOL + ", min_value " + V +
		    ", max_value " + V + ", extra_stats " + V +
		    ");"
		    "CREATE TABLE ducklake_partition_info(partition_id " +
		    B + ", table_id " + B + ", begin_snapshot " + B + ", end_snapshot " + B +
		    ");"
		    "CREATE TABLE ducklake_partition_column(partition_id " +
		    B + ", table_id " + B + ", partition_key_index " + B + ", column_id " + B + ", transform " + V +
		    ");"
		    "CREATE TABLE ducklake_file_partition_value(data_file_id " +
		    B + ", table_id " + B + ", partition_key_index " + B + ", partition_value " + V +
		    ");"
		    "CREATE TABLE ducklake_files_scheduled_for_deletion(data_file_id " +
		    B + ", path " + V + ", path_is_relative " + BOOL + ", schedule_start " + TS +
		    ");"
		    "CREATE TABLE ducklake_inlined_data_tables(table_id " +
		    B + ", table_name " + V + ", schema_version " + B +
		    ");"
		    "CREATE TABLE ducklake_column_mapping(mapping_id " +
		    B + ", table_id " + B + ", type " + V +
		    ");"
		    "CREATE TABLE ducklake_name_mapping(mapping_id " +
		    B + ", column_id " + B + ", source_name " + V + ", target_field_id " + B + ", parent_column " + B +
		    ", is_partition " + BOOL +
		    ");"
		    "CREATE TABLE ducklake_schema_versions(begin_snapshot " +
		    B + ", schema_version " + B + ");");
		conn->Execute(
		    "INSERT INTO ducklake_metadata (key, value) VALUES ('version', '0.3'), ('created_by', 'DuckDB 1.4.4'), "
		    "('data_path', 'data/'), ('encrypted', 'false');"
		    "INSERT INTO ducklake_snapshot VALUES (0, " +
		    conn->CurrentTimestamp() + ", 0, 1, 0), (1, " + conn->CurrentTimestamp() + ", 1, 2, 0), (2, " +
		    conn->CurrentTimestamp() + ", 2, 2, 1), (3, " + conn->CurrentTimestamp() +
		    ", 2, 2, 2);"
		    "INSERT INTO ducklake_snapshot_changes VALUES (0, 'created_schema:\"main\"', NULL, NULL, NULL), "
		    "(1, 'created_table:\"main\".\"t\"', NULL, NULL, NULL), (2, 'altered_table:1', NULL, NULL, NULL), "
		    "(3, 'inserted_into_table:1', NULL, NULL, NULL);"
		    "INSERT INTO ducklake_schema VALUES (0, 'c3a3a3d4-0f51-4c1e-9a53-5c6c9c2f0d11', 0, NULL, 'main', "
		    "'main/', TRUE);"
		    "INSERT INTO ducklake_table VALUES (1, '7f1e5b0a-3c1d-4c55-8f0e-4b7c0d1a2e33', 1, 2, 0, 't', 't/', TRUE), "
		    "(1, '7f1e5b0a-3c1d-4c55-8f0e-4b7c0d1a2e33', 2, NULL, 0, 'u', 't/', TRUE);"
		    "INSERT INTO ducklake_column VALUES (1, 1, NULL, 1, 0, 'a', 'int64', NULL, NULL, TRUE, NULL);"
		    "INSERT INTO ducklake_data_file VALUES (0, 1, 3, NULL, NULL, 'f.parquet', TRUE, 'parquet', 10, 100, 50, "
		    "0, NULL, NULL, 'partial_max:7', NULL), (1, 1, 3, NULL, NULL, 'g.parquet', TRUE, 'parquet', 5, 80, 40, "
		    "10, NULL, NULL, NULL, NULL);"
		    "INSERT INTO ducklake_schema_versions VALUES (0, 0), (1, 1), (2, 2);");
	}
};

TEST_P(MetadataTablesTest, ListsEverySpecTable) {
	auto names = MetadataTableNames();
	EXPECT_EQ(names.size(), 28u);
	std::set<std::string> unique(names.begin(), names.end());
	EXPECT_EQ(unique.size(), names.size());
	for (auto expected :
	     {"ducklake_metadata", "ducklake_snapshot", "ducklake_file_column_stats", "ducklake_schema_versions",
	      "ducklake_macro", "ducklake_macro_impl", "ducklake_macro_parameters", "ducklake_sort_info",
	      "ducklake_sort_expression", "ducklake_file_variant_stats"}) {
		EXPECT_EQ(unique.count(expected), 1u) << expected;
	}
}

TEST_P(MetadataTablesTest, AnEmptyCatalogIsReportedEmpty) {
	EXPECT_EQ(CheckMetadataTables(*conn, Name(), false, false), MetadataTablesState::EMPTY);
	EXPECT_EQ(ReadMetadataVersion(*conn), "");
	// Tables that are no DuckLake's do not matter.
	conn->Execute("CREATE TABLE unrelated (i BIGINT)");
	EXPECT_EQ(CheckMetadataTables(*conn, Name(), false, false), MetadataTablesState::EMPTY);
}

TEST_P(MetadataTablesTest, InitializeCreatesEveryTableAndTheInitialRows) {
	InitializeMetadataTables(*conn, "s3://bucket/lake", {{"data_inlining_row_limit", "10"}});
	EXPECT_FALSE(conn->InTransaction());
	ExpectSpecLayout();

	EXPECT_EQ(ReadMetadataVersion(*conn), "1.0");
	EXPECT_EQ(Metadata("created_by").rfind("Mallard ", 0), 0u) << Metadata("created_by");
	EXPECT_EQ(Metadata("data_path"), "s3://bucket/lake/");
	EXPECT_EQ(Metadata("encrypted"), "false");
	EXPECT_EQ(Metadata("data_inlining_row_limit"), "10");
	EXPECT_EQ(Select("SELECT COUNT(*) FROM ducklake_metadata WHERE scope IS NOT NULL OR scope_id IS NOT NULL")
	              .GetValue(0, 0)
	              .GetValue<int64_t>(),
	          0);

	auto snapshot = Select("SELECT snapshot_id, snapshot_time, schema_version, next_catalog_id, next_file_id FROM "
	                       "ducklake_snapshot");
	ASSERT_EQ(snapshot.RowCount(), 1u);
	EXPECT_EQ(snapshot.GetValue(0, 0).GetValue<int64_t>(), 0);
	EXPECT_FALSE(snapshot.GetValue(0, 1).IsNull());
	EXPECT_EQ(snapshot.GetValue(0, 2).GetValue<int64_t>(), 0);
	EXPECT_EQ(snapshot.GetValue(0, 3).GetValue<int64_t>(), 1);
	EXPECT_EQ(snapshot.GetValue(0, 4).GetValue<int64_t>(), 0);

	auto changes = Select("SELECT snapshot_id, changes_made, author, commit_message, commit_extra_info FROM "
	                      "ducklake_snapshot_changes");
	ASSERT_EQ(changes.RowCount(), 1u);
	EXPECT_EQ(changes.GetValue(0, 0).GetValue<int64_t>(), 0);
	EXPECT_EQ(changes.GetValue(0, 1).ToString(), "created_schema:\"main\"");
	EXPECT_TRUE(changes.GetValue(0, 2).IsNull());

	auto schema = Select("SELECT schema_id, schema_uuid, begin_snapshot, end_snapshot, schema_name, path, "
	                     "path_is_relative FROM ducklake_schema");
	ASSERT_EQ(schema.RowCount(), 1u);
	EXPECT_EQ(schema.GetValue(0, 0).GetValue<int64_t>(), 0);
	EXPECT_EQ(schema.GetValue(0, 1).ToString().size(), 36u);
	EXPECT_EQ(schema.GetValue(0, 2).GetValue<int64_t>(), 0);
	EXPECT_TRUE(schema.GetValue(0, 3).IsNull());
	EXPECT_EQ(schema.GetValue(0, 4).ToString(), "main");
	EXPECT_EQ(schema.GetValue(0, 5).ToString(), "main/");
	EXPECT_EQ(schema.GetValue(0, 6).type().id(), LogicalTypeId::BOOLEAN);
	EXPECT_TRUE(schema.GetValue(0, 6).GetValue<bool>());

	for (auto empty : {"ducklake_table", "ducklake_column", "ducklake_data_file", "ducklake_schema_versions"}) {
		EXPECT_EQ(Select(std::string("SELECT COUNT(*) FROM ") + empty).GetValue(0, 0).GetValue<int64_t>(), 0) << empty;
	}
	EXPECT_EQ(CheckMetadataTables(*conn, Name(), false, false), MetadataTablesState::READY);
}

TEST_P(MetadataTablesTest, InitializeKeepsAnExistingCatalog) {
	InitializeMetadataTables(*conn, "first/", {});
	InitializeMetadataTables(*conn, "second/", {});
	EXPECT_EQ(Metadata("data_path"), "first/");
	EXPECT_EQ(Select("SELECT COUNT(*) FROM ducklake_snapshot").GetValue(0, 0).GetValue<int64_t>(), 1);
}

TEST_P(MetadataTablesTest, InitializeCanMarkTheLakeEncrypted) {
	InitializeMetadataTables(*conn, "data/", {{"encrypted", "true"}});
	EXPECT_EQ(Metadata("encrypted"), "true");
	EXPECT_THROW(InitializeMetadataTables(*conn, "", {}), InvalidInputException);
}

TEST_P(MetadataTablesTest, AMissingTableIsDamageNotRepaired) {
	InitializeMetadataTables(*conn, "data/", {});
	conn->Execute("DROP TABLE ducklake_sort_info");
	try {
		CheckMetadataTables(*conn, Name(), true, false);
		FAIL() << "expected an error";
	} catch (IOException &ex) {
		auto message = ErrorMessage(ex);
		EXPECT_NE(message.find("DuckLake catalog " + Name() + " is damaged: table ducklake_sort_info is missing"),
		          std::string::npos)
		    << message;
	}
	EXPECT_FALSE(conn->TableExists("ducklake_sort_info"));

	conn->Execute("DROP TABLE ducklake_metadata");
	try {
		CheckMetadataTables(*conn, Name(), true, false);
		FAIL() << "a catalog without ducklake_metadata but with other DuckLake tables is no new catalog";
	} catch (IOException &ex) {
		EXPECT_NE(ErrorMessage(ex).find("table ducklake_metadata is missing"), std::string::npos) << ErrorMessage(ex);
	}
}

TEST_P(MetadataTablesTest, AnUnknownVersionIsRefused) {
	InitializeMetadataTables(*conn, "data/", {});
	conn->Execute("UPDATE ducklake_metadata SET value = '0.9-dev' WHERE key = 'version'");
	try {
		CheckMetadataTables(*conn, Name(), true, false);
		FAIL() << "expected an error";
	} catch (InvalidInputException &ex) {
		EXPECT_NE(ErrorMessage(ex).find("0.9-dev"), std::string::npos) << ErrorMessage(ex);
	}
	conn->Execute("DELETE FROM ducklake_metadata WHERE key = 'version'");
	EXPECT_THROW(CheckMetadataTables(*conn, Name(), true, false), IOException);
}

TEST_P(MetadataTablesTest, Version03IsRefusedWithoutMigration) {
	CreateVersion03Catalog();
	try {
		CheckMetadataTables(*conn, Name(), false, false);
		FAIL() << "expected an error";
	} catch (InvalidInputException &ex) {
		auto message = ErrorMessage(ex);
		EXPECT_NE(message.find("0.3"), std::string::npos) << message;
		EXPECT_NE(message.find("AUTOMATIC_MIGRATION true"), std::string::npos) << message;
	}
	// Read-only: cannot migrate.
	EXPECT_THROW(CheckMetadataTables(*conn, Name(), true, true), InvalidInputException);
	EXPECT_EQ(ReadMetadataVersion(*conn), "0.3");
	EXPECT_FALSE(conn->TableExists("ducklake_macro"));
}

TEST_P(MetadataTablesTest, Version03IsMigratedOnRequest) {
	CreateVersion03Catalog();
	EXPECT_EQ(CheckMetadataTables(*conn, Name(), true, false), MetadataTablesState::READY);
	EXPECT_FALSE(conn->InTransaction());
	EXPECT_EQ(ReadMetadataVersion(*conn), "1.0");
	ExpectSpecLayout();

	auto files = Select("SELECT data_file_id, partial_max, mapping_id, path FROM ducklake_data_file ORDER BY 1");
	ASSERT_EQ(files.RowCount(), 2u);
	EXPECT_EQ(files.GetValue(0, 1).GetValue<int64_t>(), 7);
	EXPECT_TRUE(files.GetValue(1, 1).IsNull());
	EXPECT_EQ(files.GetValue(0, 3).ToString(), "f.parquet");

	auto columns = Select("SELECT default_value_type, default_value_dialect FROM ducklake_column");
	ASSERT_EQ(columns.RowCount(), 1u);
	EXPECT_EQ(columns.GetValue(0, 0).ToString(), "literal");
	EXPECT_TRUE(columns.GetValue(0, 1).IsNull());

	// Catalog-wide schema versions became per-table rows for each table alive at that snapshot.
	auto versions = Select("SELECT begin_snapshot, schema_version, table_id FROM ducklake_schema_versions ORDER BY 1");
	ASSERT_EQ(versions.RowCount(), 2u);
	EXPECT_EQ(versions.GetValue(0, 0).GetValue<int64_t>(), 1);
	EXPECT_EQ(versions.GetValue(0, 2).GetValue<int64_t>(), 1);
	EXPECT_EQ(versions.GetValue(1, 0).GetValue<int64_t>(), 2);
	EXPECT_EQ(versions.GetValue(1, 1).GetValue<int64_t>(), 2);

	// Nothing else changed.
	EXPECT_EQ(Metadata("data_path"), "data/");
	EXPECT_EQ(Select("SELECT COUNT(*) FROM ducklake_snapshot").GetValue(0, 0).GetValue<int64_t>(), 4);
	// Checking again finds a ready 1.0 catalog.
	EXPECT_EQ(CheckMetadataTables(*conn, Name(), false, false), MetadataTablesState::READY);
}

// 0.4 (and 0.4-dev1) is what DuckLake called 1.0 before releasing it; its own migration only
// renames the version. Mallard migrates it as it migrates 0.3: every step checks what is there, so
// what 0.4 already has is left alone and what it may lack (here a 1.0 table) is added.
TEST_P(MetadataTablesTest, Version04IsMigratedOnRequest) {
	ExpectMigratedFromLaterVersion("0.4");
}

TEST_P(MetadataTablesTest, Version04Dev1IsMigratedOnRequest) {
	ExpectMigratedFromLaterVersion("0.4-dev1");
}

TEST_P(MetadataTablesTest, ADamagedVersion03CatalogIsNotMigrated) {
	CreateVersion03Catalog();
	conn->Execute("DROP TABLE ducklake_column_mapping");
	EXPECT_THROW(CheckMetadataTables(*conn, Name(), true, false), IOException);
	EXPECT_EQ(ReadMetadataVersion(*conn), "0.3");
}

INSTANTIATE_TEST_SUITE_P(Backends, MetadataTablesTest, testing::ValuesIn(TestBackends()), BackendName);

} // namespace
} // namespace duckdb
