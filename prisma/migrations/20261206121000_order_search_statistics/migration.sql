-- Statistics for the expression index lower("email") of order_search_whole_values: until the
-- table is next analysed the planner guessed a whole address matches thousands of orders and walked
-- the newest-first index past all million of them (2.8 s) instead of looking the address up.
ANALYZE "Order";
