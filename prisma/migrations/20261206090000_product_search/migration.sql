-- Search (src/catalog/search.ts) matches the words typed anywhere in a product's names, whatever
-- their width (ＭＡＮＧＯ, ｍａｎｇｏ) and case: both sides are NFKC-normalised and lower-cased with
-- PostgreSQL's built-in Unicode collation (PostgreSQL 17 or later), so that letters beyond ASCII
-- fold too, which the database's C collation would not do.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION "product_search_text"("nameZh" text, "nameEn" text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN lower(normalize("nameZh" || ' ' || "nameEn", NFKC) COLLATE "pg_c_utf8");

-- Trigram index for LIKE '%word%' on words of three or more letters or digits. The database's C
-- ctype counts no Chinese character as a letter, so Chinese words (and shorter words) give no
-- trigrams and are matched by scanning the active products' names: see docs/finding-products.md.
CREATE INDEX "Product_search_text_idx" ON "Product" USING gin ("product_search_text"("nameZh", "nameEn") gin_trgm_ops);
