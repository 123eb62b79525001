-- Search (src/catalog/search.ts) finds the words typed anywhere in a product's names, whatever
-- their width (ＭＡＮＧＯ, ｍａｎｇｏ) and case, through a trigram index.
--
-- The database's C ctype counts no Chinese character as a letter, so pg_trgm makes no trigrams of
-- Chinese text and could not index it. The search key therefore spells every character beyond
-- ASCII as "X" and its code point in six capitals G-V (one per hex digit): 烏 (U+70CF) becomes
-- XGGNGSV. Keys are otherwise lower case, so a capital in a pattern can only match a spelled
-- character, and from its "X" on, never across two of them. One Chinese character is seven letters,
-- enough for trigrams. Names are NFKC-normalised and lower-cased with PostgreSQL's built-in Unicode
-- collation (PostgreSQL 17 or later) before that, queries by the same function. See
-- docs/finding-products.md.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION "product_search_key"("words" text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN COALESCE((
    SELECT string_agg(CASE WHEN ascii(c) < 128 THEN c
                           ELSE 'X' || translate(lpad(to_hex(ascii(c)), 6, '0'), '0123456789abcdef', 'GHIJKLMNOPQRSTUV') END,
                      '' ORDER BY n)
    FROM unnest(string_to_array(lower(normalize("words", NFKC) COLLATE "pg_c_utf8"), NULL)) WITH ORDINALITY AS t(c, n)
  ), '');

CREATE TABLE "ProductSearch" (
    "productId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,

    CONSTRAINT "ProductSearch_pkey" PRIMARY KEY ("productId")
);

CREATE INDEX "ProductSearch_key_idx" ON "ProductSearch" USING GIN ("key" gin_trgm_ops);

-- Kept in step with the names by whatever writes them. Prisma's migration runner cuts scripts at
-- every semicolon, quoted or not, so those in the function body are written as the escape \073.
CREATE FUNCTION "product_search_write"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN IF TG_OP = ''DELETE'' THEN DELETE FROM "ProductSearch" WHERE "productId" = OLD.id\073 RETURN NULL\073 END IF\073 INSERT INTO "ProductSearch" ("productId", "key") VALUES (NEW.id, product_search_key(NEW."nameZh" || '' '' || NEW."nameEn")) ON CONFLICT ("productId") DO UPDATE SET "key" = EXCLUDED."key"\073 RETURN NULL\073 END'
;

CREATE TRIGGER "Product_search_write"
  AFTER INSERT OR DELETE OR UPDATE OF "nameZh", "nameEn" ON "Product"
  FOR EACH ROW EXECUTE FUNCTION "product_search_write"();

INSERT INTO "ProductSearch" ("productId", "key")
  SELECT id, product_search_key("nameZh" || ' ' || "nameEn") FROM "Product";
