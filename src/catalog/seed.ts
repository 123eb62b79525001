// The shop's starting range: a dozen products from around Taiwan on four shelves, each with a
// drawing for its photo, so a fresh installation has something to sell. Prices are whole TWD.
import { readFile } from 'node:fs/promises';
import type { Database } from '../db/prisma';
import { preparePhoto, UPLOAD_FORMATS } from './photos';

interface SeedProduct {
  slug: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  priceTwd: number;
  stock: number;
  categories: string[];
}

const CATEGORIES = [
  { slug: 'tea', nameZh: '茶', nameEn: 'Tea' },
  { slug: 'snacks', nameZh: '伴手禮點心', nameEn: 'Snacks and gifts' },
  { slug: 'pantry', nameZh: '廚房好物', nameEn: 'Pantry' },
  { slug: 'crafts', nameZh: '手作生活', nameEn: 'Crafts' },
];

const PRODUCTS: SeedProduct[] = [
  {
    slug: 'alishan-oolong',
    nameZh: '阿里山高山烏龍茶 150g',
    nameEn: 'Alishan High-Mountain Oolong, 150 g',
    descriptionZh: '海拔一千五百公尺以上茶園手採，花香清雅、回甘持久，可回沖五到六次。',
    descriptionEn: 'Hand-picked above 1,500 m in the Alishan range: floral, sweet aftertaste, good for five or six infusions.',
    priceTwd: 1280,
    stock: 40,
    categories: ['tea'],
  },
  {
    slug: 'sun-moon-lake-black-tea',
    nameZh: '日月潭紅玉紅茶 75g',
    nameEn: 'Sun Moon Lake Ruby Black Tea (No. 18), 75 g',
    descriptionZh: '台茶18號，帶有天然肉桂與薄荷香氣，茶湯紅艷明亮。',
    descriptionEn: 'Taiwan Tea No. 18 from Yuchi: natural notes of cinnamon and mint, a bright red cup.',
    priceTwd: 680,
    stock: 35,
    categories: ['tea'],
  },
  {
    slug: 'pineapple-cake-box',
    nameZh: '土鳳梨酥禮盒（12入）',
    nameEn: 'Native Pineapple Cakes, gift box of 12',
    descriptionZh: '台南關廟土鳳梨手工熬製內餡，酸甜分明，奶油酥皮香而不膩。',
    descriptionEn: 'Filling slow-cooked from native Guanmiao pineapples, tangy and sweet, in a buttery crust.',
    priceTwd: 480,
    stock: 60,
    categories: ['snacks'],
  },
  {
    slug: 'nougat-crackers',
    nameZh: '蔥香牛軋餅（20入）',
    nameEn: 'Scallion Nougat Crackers, 20 pieces',
    descriptionZh: '宜蘭三星蔥蘇打餅夾入手工牛奶牛軋糖，鹹甜交織。',
    descriptionEn: 'Sanxing scallion soda crackers from Yilan with handmade milk nougat: salty and sweet.',
    priceTwd: 380,
    stock: 50,
    categories: ['snacks'],
  },
  {
    slug: 'dried-irwin-mango',
    nameZh: '台南愛文芒果乾 200g',
    nameEn: 'Tainan Irwin Mango, dried, 200 g',
    descriptionZh: '玉井愛文芒果低溫烘製，不加糖、不加防腐劑。',
    descriptionEn: 'Irwin mangoes from Yujing, dried at low temperature with no added sugar or preservatives.',
    priceTwd: 320,
    stock: 45,
    categories: ['snacks'],
  },
  {
    slug: 'mullet-roe',
    nameZh: '一口吃烏魚子（即食）',
    nameEn: 'Ready-to-Eat Mullet Roe Bites',
    descriptionZh: '雲林口湖野生烏魚子，炙燒切片真空包裝，開封即食。',
    descriptionEn: 'Wild mullet roe from Kouhu, Yunlin, seared, sliced and vacuum-packed: open and enjoy.',
    priceTwd: 1680,
    stock: 15,
    categories: ['snacks', 'pantry'],
  },
  {
    slug: 'bubble-tea-kit',
    nameZh: '珍珠奶茶 DIY 組（6杯份）',
    nameEn: 'Bubble Tea Kit, 6 cups',
    descriptionZh: '附黑糖粉圓、阿薩姆紅茶包與粗吸管，在家重現台中手搖味。',
    descriptionEn: 'Brown-sugar tapioca pearls, Assam tea bags and wide straws: the Taichung classic at home.',
    priceTwd: 450,
    stock: 30,
    categories: ['tea', 'snacks'],
  },
  {
    slug: 'hakka-floral-tote',
    nameZh: '客家花布托特包',
    nameEn: 'Hakka Floral Cotton Tote',
    descriptionZh: '經典牡丹花布手工縫製，內有隔層口袋，可放 A4 文件。',
    descriptionEn: 'Handmade from the classic peony-print Hakka cloth, with an inner pocket; fits A4 papers.',
    priceTwd: 890,
    stock: 20,
    categories: ['crafts'],
  },
  {
    slug: 'yingge-ceramic-cup',
    nameZh: '鶯歌手作陶杯',
    nameEn: 'Yingge Handmade Ceramic Cup',
    descriptionZh: '新北鶯歌窯燒手拉坯，青瓷釉色每只略有不同，容量 200ml。',
    descriptionEn: 'Wheel-thrown and kiln-fired in Yingge, New Taipei; celadon glaze, each one unique, 200 ml.',
    priceTwd: 750,
    stock: 25,
    categories: ['crafts', 'tea'],
  },
  {
    slug: 'beigang-sesame-oil',
    nameZh: '北港純黑麻油 520ml',
    nameEn: 'Beigang Black Sesame Oil, 520 ml',
    descriptionZh: '百年油行古法焙炒冷壓，麻油雞、薑母鴨必備。',
    descriptionEn: 'Roasted and pressed the old way by a century-old Beigang mill; essential for sesame-oil chicken.',
    priceTwd: 420,
    stock: 40,
    categories: ['pantry'],
  },
  {
    slug: 'hualien-peeled-chili',
    nameZh: '花蓮剝皮辣椒 380g',
    nameEn: 'Hualien Peeled Chili Peppers, 380 g',
    descriptionZh: '青辣椒去皮以醬油與冰糖浸漬，微辣回甘，配飯配麵都好。',
    descriptionEn: 'Green chilis, peeled and steeped in soy sauce and rock sugar: mild heat, great with rice or noodles.',
    priceTwd: 260,
    stock: 55,
    categories: ['pantry'],
  },
  {
    slug: 'taiwan-cypress-soap',
    nameZh: '台灣檜木手工皂（3入）',
    nameEn: 'Taiwan Cypress Handmade Soap, set of 3',
    descriptionZh: '冷製工法添加台灣檜木精油，森林香氣，溫和不緊繃。',
    descriptionEn: 'Cold-process soap with Taiwan cypress essential oil: a forest scent, gentle on the skin.',
    priceTwd: 220,
    stock: 70,
    categories: ['crafts'],
  },
];

// The demo drawings are SVG, which no merchant may upload (a script could hide in one); the seed
// draws them through the same code as an upload, so they are photos like any other.
const DRAWINGS = { ...UPLOAD_FORMATS, svg: 'image/svg+xml' };
const drawingPath = (slug: string) => new URL(`demo-drawings/${slug}.svg`, import.meta.url);

/**
 * Inserts the starting range, its shelves and photos into an empty product table; a table with any
 * product is left alone. Several processes starting at once on a new database seed it once.
 */
export async function seedProducts(db: Database): Promise<number> {
  if ((await db.product.count()) > 0) return 0;
  const photos = await Promise.all(PRODUCTS.map(async (product) => preparePhoto(await readFile(drawingPath(product.slug)), DRAWINGS)));
  return db.$transaction(
    async (tx) => {
      // Another process seeding at the same time waits here, then finds the products it made.
      await tx.$executeRaw`LOCK TABLE "Product" IN SHARE ROW EXCLUSIVE MODE`;
      if ((await tx.product.count()) > 0) return 0;
      await tx.category.createMany({ data: CATEGORIES.map((category, position) => ({ ...category, position })), skipDuplicates: true });
      const categoryIds = new Map((await tx.category.findMany()).map((category) => [category.slug, category.id]));
      for (const [index, { categories, ...product }] of PRODUCTS.entries()) {
        const { variants, ...photo } = photos[index]!;
        await tx.product.create({
          data: {
            ...product,
            categories: { create: categories.map((slug) => ({ categoryId: categoryIds.get(slug)! })) },
            photos: { create: { ...photo, position: 0, variants: { create: variants } } },
          },
        });
      }
      return PRODUCTS.length;
    },
    { timeout: 30_000 },
  );
}
