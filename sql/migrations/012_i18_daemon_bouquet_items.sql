-- Deleting a stream, movie or series takes it out of every bouquet (issue
-- 18): bouquet_items.item_id points into one of three tables, so no
-- foreign key can; these triggers do it for every path (admin API,
-- xtreamctl, import, plain SQL), in the deleting transaction.  Before,
-- the left-over items made saving such a bouquet unchanged fail with 400.
DELETE FROM bouquet_items WHERE item_type = 'live' AND item_id NOT IN (SELECT id FROM streams);
DELETE FROM bouquet_items WHERE item_type = 'movie' AND item_id NOT IN (SELECT id FROM movies);
DELETE FROM bouquet_items WHERE item_type = 'series' AND item_id NOT IN (SELECT id FROM series);
CREATE OR REPLACE TRIGGER trg_streams_ad_bouquets AFTER DELETE ON `streams` FOR EACH ROW DELETE FROM bouquet_items WHERE item_type = 'live' AND item_id = OLD.id;
CREATE OR REPLACE TRIGGER trg_movies_ad_bouquets AFTER DELETE ON `movies` FOR EACH ROW DELETE FROM bouquet_items WHERE item_type = 'movie' AND item_id = OLD.id;
CREATE OR REPLACE TRIGGER trg_series_ad_bouquets AFTER DELETE ON `series` FOR EACH ROW DELETE FROM bouquet_items WHERE item_type = 'series' AND item_id = OLD.id;
