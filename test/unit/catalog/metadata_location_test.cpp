#include "catalog_test_util.hpp"

namespace duckdb {
namespace {

TEST(MetadataLocation, ParsesEachBackend) {
	auto duckdb_file = MetadataLocation::Parse("metadata.ducklake");
	EXPECT_EQ(duckdb_file.type, MetadataBackendType::DUCKDB);
	EXPECT_EQ(duckdb_file.target, "metadata.ducklake");

	auto explicit_duckdb = MetadataLocation::Parse("duckdb:/data/lake.db");
	EXPECT_EQ(explicit_duckdb.type, MetadataBackendType::DUCKDB);
	EXPECT_EQ(explicit_duckdb.target, "/data/lake.db");

	auto sqlite = MetadataLocation::Parse("sqlite:metadata.sqlite");
	EXPECT_EQ(sqlite.type, MetadataBackendType::SQLITE);
	EXPECT_EQ(sqlite.target, "metadata.sqlite");

	auto postgres = MetadataLocation::Parse("postgres:dbname=lake host=localhost");
	EXPECT_EQ(postgres.type, MetadataBackendType::POSTGRES);
	EXPECT_EQ(postgres.target, "dbname=lake host=localhost");

	auto uri = MetadataLocation::Parse("postgresql://user@db.example.com/lake");
	EXPECT_EQ(uri.type, MetadataBackendType::POSTGRES);
	EXPECT_EQ(uri.target, "postgresql://user@db.example.com/lake");
}

TEST(MetadataLocation, AcceptsTheDucklakePrefix) {
	auto location = MetadataLocation::Parse("ducklake:sqlite:/tmp/m.sqlite");
	EXPECT_EQ(location.type, MetadataBackendType::SQLITE);
	EXPECT_EQ(location.target, "/tmp/m.sqlite");
}

TEST(MetadataLocation, RefusesAnEmptyPath) {
	EXPECT_THROW(MetadataLocation::Parse(""), InvalidInputException);
	EXPECT_THROW(MetadataLocation::Parse("sqlite:"), InvalidInputException);
	EXPECT_THROW(MetadataLocation::Parse("duckdb:"), InvalidInputException);
	// libpq reads PGHOST, PGDATABASE, ... when the conninfo is empty
	EXPECT_EQ(MetadataLocation::Parse("postgres:").type, MetadataBackendType::POSTGRES);
}

TEST(MetadataLocation, DisplayNameNamesFiles) {
	EXPECT_EQ(MetadataLocation::Parse("metadata.ducklake").DisplayName(), "metadata.ducklake");
	EXPECT_EQ(MetadataLocation::Parse("sqlite:m.sqlite").DisplayName(), "sqlite:m.sqlite");
	EXPECT_EQ(MetadataLocation::Parse("postgres:lake").DisplayName(), "postgres:lake");
}

TEST(MetadataLocation, DisplayNameHidesKeyValuePasswords) {
	EXPECT_EQ(MetadataLocation::Parse("postgres:dbname=lake password=secret host=db").DisplayName(),
	          "postgres:dbname=lake host=db");
	EXPECT_EQ(MetadataLocation::Parse("postgres:password = secret dbname=lake").DisplayName(), "postgres:dbname=lake");
	EXPECT_EQ(MetadataLocation::Parse("postgres:user=u password='se cr\\'et' dbname=lake").DisplayName(),
	          "postgres:user=u dbname=lake");
	EXPECT_EQ(MetadataLocation::Parse("postgres:PASSWORD=secret dbname=lake").DisplayName(), "postgres:dbname=lake");
	// Unparseable: nothing of it is shown.
	auto broken = MetadataLocation::Parse("postgres:dbname=lake password='secret").DisplayName();
	EXPECT_EQ(broken.find("secret"), std::string::npos) << broken;
}

TEST(MetadataLocation, DisplayNameHidesUriPasswords) {
	EXPECT_EQ(MetadataLocation::Parse("postgresql://alice:secret@db:5432/lake?sslmode=require").DisplayName(),
	          "postgres:postgresql://alice@db:5432/lake?sslmode=require");
	EXPECT_EQ(
	    MetadataLocation::Parse("postgres:postgresql://alice@db/lake?password=secret&sslmode=require").DisplayName(),
	    "postgres:postgresql://alice@db/lake?sslmode=require");
	auto at_in_password = MetadataLocation::Parse("postgresql://alice:p@ss@db/lake").DisplayName();
	EXPECT_EQ(at_in_password, "postgres:postgresql://alice@db/lake");
}

} // namespace
} // namespace duckdb
