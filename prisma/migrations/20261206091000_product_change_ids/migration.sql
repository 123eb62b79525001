-- The product cache (src/catalog/product-cache.ts) re-reads only the products a change touched: a
-- change to a product, its photos or its shelves is announced with the product's id, one
-- notification per product (PostgreSQL folds identical ones within a transaction). A change to a
-- category itself, or a table emptied, still says '' ("read everything"). Prisma's migration
-- runner cuts scripts at every semicolon, quoted or not, so those in function bodies are \073.
CREATE FUNCTION "notify_product_id_changed"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN IF TG_OP <> ''INSERT'' THEN PERFORM pg_notify(''product_changed'', OLD.id::text)\073 END IF\073 IF TG_OP <> ''DELETE'' THEN PERFORM pg_notify(''product_changed'', NEW.id::text)\073 END IF\073 RETURN NULL\073 END'
;

CREATE FUNCTION "notify_product_part_changed"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN IF TG_OP <> ''INSERT'' THEN PERFORM pg_notify(''product_changed'', OLD."productId"::text)\073 END IF\073 IF TG_OP <> ''DELETE'' THEN PERFORM pg_notify(''product_changed'', NEW."productId"::text)\073 END IF\073 RETURN NULL\073 END'
;

DROP TRIGGER "Product_changed_notify" ON "Product";
CREATE TRIGGER "Product_changed_notify" AFTER TRUNCATE ON "Product"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_product_changed"();
CREATE TRIGGER "Product_row_changed_notify" AFTER INSERT OR UPDATE OR DELETE ON "Product"
  FOR EACH ROW EXECUTE FUNCTION "notify_product_id_changed"();

DROP TRIGGER "ProductPhoto_changed_notify" ON "ProductPhoto";
CREATE TRIGGER "ProductPhoto_changed_notify" AFTER TRUNCATE ON "ProductPhoto"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_product_changed"();
CREATE TRIGGER "ProductPhoto_row_changed_notify" AFTER INSERT OR UPDATE OR DELETE ON "ProductPhoto"
  FOR EACH ROW EXECUTE FUNCTION "notify_product_part_changed"();

DROP TRIGGER "ProductCategory_changed_notify" ON "ProductCategory";
CREATE TRIGGER "ProductCategory_changed_notify" AFTER TRUNCATE ON "ProductCategory"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_product_changed"();
CREATE TRIGGER "ProductCategory_row_changed_notify" AFTER INSERT OR UPDATE OR DELETE ON "ProductCategory"
  FOR EACH ROW EXECUTE FUNCTION "notify_product_part_changed"();
