-- Every change to the products (stock included) is announced to every process of the shop, which
-- keep the active products in memory between changes (src/catalog/product-cache.ts). pg_notify is
-- delivered when the writing transaction commits, and the notifications of one transaction fold into one.
-- Prisma's migration runner cuts scripts at every semicolon, quoted or not, so those in the function
-- body are written as the escape \073.
CREATE FUNCTION "notify_product_changed"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN PERFORM pg_notify(''product_changed'', '''')\073 RETURN NULL\073 END'
;

CREATE TRIGGER "Product_changed_notify"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Product"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_product_changed"();
