/**
 * What the seeded catalogue contains: the category tree, real authors and titles, the word
 * pools for generated ones, and the pure (PRNG-driven) generators. Writing it is seed.ts.
 */

export type Random = () => number;
export type Language = 'zh' | 'en';

/** mulberry32: a tiny, fast 32-bit PRNG; the same seed gives the same catalogue. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick() from an empty list');
  return item;
}

/** Picks an item with probability proportional to its weight. */
export function pickWeighted<T extends { weight: number }>(random: Random, items: readonly T[]): T {
  let roll = random() * items.reduce((sum, item) => sum + item.weight, 0);
  for (const item of items) {
    roll -= item.weight;
    if (roll < 0) return item;
  }
  return pick(random, items);
}

/** An integer in [min, max]. */
export function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Appends the ISBN-13 check digit (weights 1,3,1,3,...) to 12 digits. */
export function withIsbnCheckDigit(twelveDigits: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(twelveDigits[i]) * (i % 2 === 0 ? 1 : 3);
  return `${twelveDigits}${(10 - (sum % 10)) % 10}`;
}

/** zh books get the Chinese group 978-7, en books 978-0, 978-1 or 979-8. */
const ISBN_PREFIXES: Record<Language, readonly string[]> = {
  zh: ['9787'],
  en: ['9780', '9781', '9798'],
};

/**
 * A unique, valid ISBN-13 for the n-th book: 7919 is coprime with 10^8, so
 * n -> (n * 7919 + 104729) mod 10^8 never repeats a running number below 10^8.
 */
export function isbnFor(n: number, language: Language): string {
  const prefixes = ISBN_PREFIXES[language];
  const prefix = prefixes[n % prefixes.length] ?? '9780';
  const running = (n * 7919 + 104729) % 100_000_000;
  return withIsbnCheckDigit(`${prefix}${String(running).padStart(8, '0')}`);
}

// ---------------------------------------------------------------- categories

export interface CategorySeed {
  slug: string;
  name: string;
  /** Relative share of generated books. */
  weight: number;
  children: readonly { slug: string; name: string }[];
}

export const CATEGORIES: readonly CategorySeed[] = [
  {
    slug: 'literature',
    name: '文学 Literature',
    weight: 30,
    children: [
      { slug: 'fiction', name: '小说 Fiction' },
      { slug: 'classics', name: '古典名著 Classics' },
      { slug: 'wuxia', name: '武侠 Wuxia' },
      { slug: 'science-fiction', name: '科幻 Science Fiction' },
      { slug: 'fantasy', name: '奇幻 Fantasy' },
      { slug: 'mystery', name: '推理 Mystery' },
    ],
  },
  {
    slug: 'history',
    name: '历史 History',
    weight: 12,
    children: [
      { slug: 'chinese-history', name: '中国史 Chinese History' },
      { slug: 'world-history', name: '世界史 World History' },
      { slug: 'biography', name: '传记 Biography' },
      { slug: 'military-history', name: '军事史 Military History' },
    ],
  },
  {
    slug: 'science',
    name: '科学 Science',
    weight: 10,
    children: [
      { slug: 'mathematics', name: '数学 Mathematics' },
      { slug: 'physics', name: '物理 Physics' },
      { slug: 'chemistry', name: '化学 Chemistry' },
      { slug: 'biology', name: '生物 Biology' },
      { slug: 'astronomy', name: '天文 Astronomy' },
    ],
  },
  {
    slug: 'children',
    name: '少儿 Children',
    weight: 12,
    children: [
      { slug: 'picture-books', name: '绘本 Picture Books' },
      { slug: 'childrens-classics', name: '儿童经典 Children’s Classics' },
      { slug: 'young-adult', name: '青少年 Young Adult' },
      { slug: 'science-for-kids', name: '少儿科普 Science for Kids' },
    ],
  },
  {
    slug: 'computing',
    name: '计算机 Computing',
    weight: 12,
    children: [
      { slug: 'programming', name: '编程 Programming' },
      { slug: 'databases', name: '数据库 Databases' },
      { slug: 'artificial-intelligence', name: '人工智能 Artificial Intelligence' },
      { slug: 'networking', name: '网络 Networking' },
      { slug: 'software-engineering', name: '软件工程 Software Engineering' },
    ],
  },
  {
    slug: 'philosophy',
    name: '哲学 Philosophy',
    weight: 8,
    children: [
      { slug: 'chinese-philosophy', name: '中国哲学 Chinese Philosophy' },
      { slug: 'western-philosophy', name: '西方哲学 Western Philosophy' },
      { slug: 'ethics', name: '伦理学 Ethics' },
      { slug: 'psychology', name: '心理学 Psychology' },
    ],
  },
  {
    slug: 'art',
    name: '艺术 Art',
    weight: 7,
    children: [
      { slug: 'painting', name: '绘画 Painting' },
      { slug: 'calligraphy', name: '书法 Calligraphy' },
      { slug: 'music', name: '音乐 Music' },
      { slug: 'photography', name: '摄影 Photography' },
      { slug: 'film', name: '电影 Film' },
      { slug: 'architecture', name: '建筑 Architecture' },
    ],
  },
  {
    slug: 'business',
    name: '经管 Business',
    weight: 9,
    children: [
      { slug: 'economics', name: '经济学 Economics' },
      { slug: 'management', name: '管理 Management' },
      { slug: 'finance', name: '金融 Finance' },
      { slug: 'marketing', name: '市场营销 Marketing' },
    ],
  },
];

// ---------------------------------------------------------------- real authors and books

/** [name, short bio]. */
export const REAL_AUTHORS: readonly (readonly [string, string])[] = [
  ['罗贯中', '元末明初小说家，《三国演义》的作者。'],
  ['曹雪芹', '清代小说家，著有《红楼梦》前八十回。'],
  ['高鹗', '清代文人，相传续写了《红楼梦》后四十回。'],
  ['施耐庵', '元末明初小说家，相传为《水浒传》的作者。'],
  ['吴承恩', '明代小说家，《西游记》的作者。'],
  ['吴敬梓', '清代小说家，著有讽刺小说《儒林外史》。'],
  ['蒲松龄', '清代文学家，著有短篇小说集《聊斋志异》。'],
  ['鲁迅', '现代文学家、思想家，著有《呐喊》《彷徨》《朝花夕拾》。'],
  ['老舍', '现代小说家、剧作家，著有《骆驼祥子》《四世同堂》《茶馆》。'],
  ['巴金', '现代作家，著有“激流三部曲”《家》《春》《秋》。'],
  ['钱钟书', '作家、学者，著有长篇小说《围城》。'],
  ['沈从文', '现代作家，代表作《边城》。'],
  ['张爱玲', '现代作家，著有《倾城之恋》《金锁记》《半生缘》。'],
  ['茅盾', '现代作家，代表作《子夜》。'],
  ['曹禺', '剧作家，代表作《雷雨》。'],
  ['金庸', '武侠小说作家，著有《射雕英雄传》《天龙八部》《鹿鼎记》等。'],
  ['莫言', '当代作家，2012年诺贝尔文学奖得主。'],
  ['余华', '当代作家，著有《活着》《许三观卖血记》。'],
  ['刘慈欣', '科幻作家，“三体”系列的作者，雨果奖得主。'],
  ['三毛', '台湾作家，著有《撒哈拉的故事》。'],
  ['路遥', '当代作家，著有《平凡的世界》。'],
  ['陈忠实', '当代作家，代表作《白鹿原》。'],
  ['王安忆', '当代作家，代表作《长恨歌》。'],
  ['余秋雨', '作家、学者，著有《文化苦旅》。'],
  ['林海音', '作家，著有《城南旧事》。'],
  ['金宇澄', '作家，代表作《繁花》。'],
  ['阿来', '藏族作家，代表作《尘埃落定》。'],
  ['霍达', '作家，代表作《穆斯林的葬礼》。'],
  ['王小波', '作家，著有《黄金时代》《沉默的大多数》。'],
  ['曹文轩', '儿童文学作家，著有《草房子》，国际安徒生奖得主。'],
  ['天下霸唱', '小说作家，著有《鬼吹灯》。'],
  ['南派三叔', '小说作家，著有《盗墓笔记》。'],
  ['当年明月', '作家，著有《明朝那些事儿》。'],
  ['孔子', '春秋时期思想家、教育家，儒家学派创始人。'],
  ['老子', '春秋时期思想家，道家学派创始人。'],
  ['孙武', '春秋时期军事家，著有《孙子兵法》。'],
  ['司马迁', '西汉史学家，著有《史记》。'],
  ['黄仁宇', '历史学家，著有《万历十五年》。'],
  ['费孝通', '社会学家、人类学家，著有《乡土中国》。'],
  ['冯友兰', '哲学家，著有《中国哲学史》《中国哲学简史》。'],
  ['王国维', '学者，著有《人间词话》。'],
  ['李泽厚', '哲学家、美学家，著有《美的历程》。'],
  ['J.K. Rowling', 'British author of the Harry Potter series.'],
  [
    'J.R.R. Tolkien',
    'English writer and philologist, author of The Hobbit and The Lord of the Rings.',
  ],
  [
    'George Orwell',
    'English novelist and essayist, author of Animal Farm and Nineteen Eighty-Four.',
  ],
  ['Jane Austen', 'English novelist, author of Pride and Prejudice and Emma.'],
  ['Charles Dickens', 'Victorian novelist, author of Great Expectations and A Tale of Two Cities.'],
  ['Ernest Hemingway', 'American novelist; Nobel Prize in Literature 1954.'],
  ['Agatha Christie', 'English crime writer, creator of Hercule Poirot and Miss Marple.'],
  ['Isaac Asimov', 'American writer and biochemist, author of the Foundation and Robot series.'],
  ['Mary Shelley', 'English novelist, author of Frankenstein.'],
  ['Charlotte Brontë', 'English novelist, author of Jane Eyre.'],
  ['Emily Brontë', 'English novelist and poet, author of Wuthering Heights.'],
  ['Herman Melville', 'American novelist, author of Moby-Dick.'],
  ['Mark Twain', 'American writer and humorist.'],
  ['F. Scott Fitzgerald', 'American novelist of the Jazz Age.'],
  ['Harper Lee', 'American novelist, author of To Kill a Mockingbird.'],
  ['Aldous Huxley', 'English writer, author of Brave New World.'],
  ['J.D. Salinger', 'American writer, author of The Catcher in the Rye.'],
  ['Frank Herbert', 'American science-fiction writer, author of Dune.'],
  ['Douglas Adams', 'English author and humorist.'],
  ['Arthur Conan Doyle', 'British writer, creator of Sherlock Holmes.'],
  ['Lewis Carroll', 'English writer and mathematician.'],
  ['Roald Dahl', 'British author of children’s books.'],
  ['C.S. Lewis', 'British writer, author of The Chronicles of Narnia.'],
  ['William Shakespeare', 'English playwright and poet.'],
  ['Walt Whitman', 'American poet, author of Leaves of Grass.'],
  ['H.G. Wells', 'English writer and pioneer of science fiction.'],
  ['William Gibson', 'American-Canadian writer of cyberpunk fiction.'],
  ['George R.R. Martin', 'American novelist, author of A Song of Ice and Fire.'],
  ['Dan Brown', 'American author of thrillers.'],
  ['Gillian Flynn', 'American author of crime novels.'],
  ['Cormac McCarthy', 'American novelist.'],
  ['E.B. White', 'American writer of essays and children’s books.'],
  ['Maurice Sendak', 'American illustrator and writer of children’s books.'],
  ['Eric Carle', 'American picture-book author and illustrator.'],
  ['Suzanne Collins', 'American author of The Hunger Games.'],
  ['Stephen Hawking', 'English theoretical physicist and cosmologist.'],
  ['Charles Darwin', 'English naturalist who proposed evolution by natural selection.'],
  ['Richard Dawkins', 'British evolutionary biologist.'],
  ['Carl Sagan', 'American astronomer and science communicator.'],
  ['Yuval Noah Harari', 'Israeli historian.'],
  ['Jared Diamond', 'American geographer and historian.'],
  ['William L. Shirer', 'American journalist and historian.'],
  ['Barbara W. Tuchman', 'American historian.'],
  ['Anne Frank', 'Diarist, a victim of the Holocaust.'],
  ['Walter Isaacson', 'American biographer.'],
  ['Harold Abelson', 'Professor of computer science at MIT.'],
  ['Gerald Jay Sussman', 'Professor of electrical engineering at MIT.'],
  ['Brian W. Kernighan', 'Canadian computer scientist.'],
  ['Dennis M. Ritchie', 'American computer scientist, creator of the C language.'],
  ['Erich Gamma', 'Swiss computer scientist, one of the “Gang of Four”.'],
  ['Richard Helm', 'Australian computer scientist, one of the “Gang of Four”.'],
  ['Ralph Johnson', 'American computer scientist, one of the “Gang of Four”.'],
  ['John Vlissides', 'American computer scientist, one of the “Gang of Four”.'],
  ['Andrew Hunt', 'American programmer and author.'],
  ['David Thomas', 'British programmer and author.'],
  ['Thomas H. Cormen', 'American computer scientist.'],
  ['Charles E. Leiserson', 'American computer scientist.'],
  ['Ronald L. Rivest', 'American cryptographer, co-inventor of RSA.'],
  ['Clifford Stein', 'American computer scientist.'],
  ['Frederick P. Brooks Jr.', 'American computer scientist who managed IBM’s System/360.'],
  ['Martin Kleppmann', 'Researcher in distributed systems.'],
  ['Robert C. Martin', 'American software engineer and author.'],
  ['Stuart Russell', 'British computer scientist working on artificial intelligence.'],
  ['Peter Norvig', 'American computer scientist working on artificial intelligence.'],
  ['Donald E. Knuth', 'American computer scientist, creator of TeX.'],
  ['Marcus Aurelius', 'Roman emperor and Stoic philosopher.'],
  ['Plato', 'Classical Greek philosopher.'],
  ['Friedrich Nietzsche', 'German philosopher.'],
  ['Daniel Kahneman', 'Psychologist; Nobel Memorial Prize in Economic Sciences 2002.'],
  ['Adam Smith', 'Scottish economist and moral philosopher.'],
  ['Benjamin Graham', 'American economist and investor.'],
  ['Jim Collins', 'American business researcher.'],
  ['Eric Ries', 'American entrepreneur.'],
  ['E.H. Gombrich', 'Austrian-born British art historian.'],
  ['John Berger', 'English art critic and novelist.'],
];

export interface RealBook {
  title: string;
  subtitle?: string;
  authors: readonly string[];
  /** First publication (of this language's edition); null for ancient texts. */
  year: number | null;
  language: Language;
  category: string;
}

const zh = (title: string, authors: string[], year: number | null, category: string): RealBook => ({
  title,
  authors,
  year,
  category,
  language: 'zh',
});
const en = (title: string, authors: string[], year: number | null, category: string): RealBook => ({
  title,
  authors,
  year,
  category,
  language: 'en',
});

export const REAL_BOOKS: readonly RealBook[] = [
  zh('三国演义', ['罗贯中'], 1522, 'classics'),
  zh('红楼梦', ['曹雪芹', '高鹗'], 1791, 'classics'),
  zh('水浒传', ['施耐庵'], 1589, 'classics'),
  zh('西游记', ['吴承恩'], 1592, 'classics'),
  zh('儒林外史', ['吴敬梓'], 1803, 'classics'),
  zh('聊斋志异', ['蒲松龄'], 1766, 'classics'),
  zh('人间词话', ['王国维'], 1910, 'classics'),
  zh('呐喊', ['鲁迅'], 1923, 'fiction'),
  zh('彷徨', ['鲁迅'], 1926, 'fiction'),
  zh('朝花夕拾', ['鲁迅'], 1928, 'fiction'),
  zh('骆驼祥子', ['老舍'], 1939, 'fiction'),
  zh('四世同堂', ['老舍'], 1946, 'fiction'),
  zh('茶馆', ['老舍'], 1957, 'fiction'),
  zh('家', ['巴金'], 1933, 'fiction'),
  zh('春', ['巴金'], 1938, 'fiction'),
  zh('秋', ['巴金'], 1940, 'fiction'),
  zh('围城', ['钱钟书'], 1947, 'fiction'),
  zh('边城', ['沈从文'], 1934, 'fiction'),
  zh('倾城之恋', ['张爱玲'], 1943, 'fiction'),
  zh('金锁记', ['张爱玲'], 1943, 'fiction'),
  zh('半生缘', ['张爱玲'], 1969, 'fiction'),
  zh('子夜', ['茅盾'], 1933, 'fiction'),
  zh('雷雨', ['曹禺'], 1934, 'fiction'),
  zh('射雕英雄传', ['金庸'], 1957, 'wuxia'),
  zh('神雕侠侣', ['金庸'], 1959, 'wuxia'),
  zh('倚天屠龙记', ['金庸'], 1961, 'wuxia'),
  zh('天龙八部', ['金庸'], 1963, 'wuxia'),
  zh('笑傲江湖', ['金庸'], 1967, 'wuxia'),
  zh('鹿鼎记', ['金庸'], 1969, 'wuxia'),
  zh('红高粱家族', ['莫言'], 1987, 'fiction'),
  zh('丰乳肥臀', ['莫言'], 1995, 'fiction'),
  zh('蛙', ['莫言'], 2009, 'fiction'),
  zh('在细雨中呼喊', ['余华'], 1991, 'fiction'),
  zh('活着', ['余华'], 1993, 'fiction'),
  zh('许三观卖血记', ['余华'], 1995, 'fiction'),
  zh('兄弟', ['余华'], 2005, 'fiction'),
  zh('流浪地球', ['刘慈欣'], 2000, 'science-fiction'),
  zh('球状闪电', ['刘慈欣'], 2004, 'science-fiction'),
  zh('三体', ['刘慈欣'], 2008, 'science-fiction'),
  zh('三体II：黑暗森林', ['刘慈欣'], 2008, 'science-fiction'),
  zh('三体III：死神永生', ['刘慈欣'], 2010, 'science-fiction'),
  zh('撒哈拉的故事', ['三毛'], 1976, 'fiction'),
  zh('平凡的世界', ['路遥'], 1986, 'fiction'),
  zh('白鹿原', ['陈忠实'], 1993, 'fiction'),
  zh('长恨歌', ['王安忆'], 1995, 'fiction'),
  zh('文化苦旅', ['余秋雨'], 1992, 'literature'),
  zh('城南旧事', ['林海音'], 1960, 'childrens-classics'),
  zh('繁花', ['金宇澄'], 2013, 'fiction'),
  zh('尘埃落定', ['阿来'], 1998, 'fiction'),
  zh('穆斯林的葬礼', ['霍达'], 1988, 'fiction'),
  zh('黄金时代', ['王小波'], 1994, 'fiction'),
  zh('沉默的大多数', ['王小波'], 1997, 'literature'),
  zh('草房子', ['曹文轩'], 1997, 'young-adult'),
  zh('鬼吹灯', ['天下霸唱'], 2006, 'fantasy'),
  zh('盗墓笔记', ['南派三叔'], 2007, 'fantasy'),
  zh('明朝那些事儿', ['当年明月'], 2006, 'chinese-history'),
  zh('论语', ['孔子'], null, 'chinese-philosophy'),
  zh('道德经', ['老子'], null, 'chinese-philosophy'),
  zh('孙子兵法', ['孙武'], null, 'military-history'),
  zh('史记', ['司马迁'], null, 'chinese-history'),
  zh('万历十五年', ['黄仁宇'], 1982, 'chinese-history'),
  zh('乡土中国', ['费孝通'], 1948, 'chinese-history'),
  zh('中国哲学简史', ['冯友兰'], 1985, 'chinese-philosophy'),
  zh('美的历程', ['李泽厚'], 1981, 'art'),
  zh('哈利·波特与魔法石', ['J.K. Rowling'], 2000, 'fantasy'),
  en("Harry Potter and the Philosopher's Stone", ['J.K. Rowling'], 1997, 'fantasy'),
  en('Harry Potter and the Chamber of Secrets', ['J.K. Rowling'], 1998, 'fantasy'),
  en('Harry Potter and the Prisoner of Azkaban', ['J.K. Rowling'], 1999, 'fantasy'),
  en('Harry Potter and the Goblet of Fire', ['J.K. Rowling'], 2000, 'fantasy'),
  en('Harry Potter and the Deathly Hallows', ['J.K. Rowling'], 2007, 'fantasy'),
  en('The Hobbit', ['J.R.R. Tolkien'], 1937, 'fantasy'),
  en('The Lord of the Rings: The Fellowship of the Ring', ['J.R.R. Tolkien'], 1954, 'fantasy'),
  en('The Lord of the Rings: The Two Towers', ['J.R.R. Tolkien'], 1954, 'fantasy'),
  en('The Lord of the Rings: The Return of the King', ['J.R.R. Tolkien'], 1955, 'fantasy'),
  en('Nineteen Eighty-Four', ['George Orwell'], 1949, 'fiction'),
  en('Animal Farm', ['George Orwell'], 1945, 'fiction'),
  en('Pride and Prejudice', ['Jane Austen'], 1813, 'classics'),
  en('Sense and Sensibility', ['Jane Austen'], 1811, 'classics'),
  en('Emma', ['Jane Austen'], 1815, 'classics'),
  en('Great Expectations', ['Charles Dickens'], 1861, 'classics'),
  en('A Tale of Two Cities', ['Charles Dickens'], 1859, 'classics'),
  en('Oliver Twist', ['Charles Dickens'], 1838, 'classics'),
  en('A Christmas Carol', ['Charles Dickens'], 1843, 'classics'),
  en('The Old Man and the Sea', ['Ernest Hemingway'], 1952, 'fiction'),
  en('A Farewell to Arms', ['Ernest Hemingway'], 1929, 'fiction'),
  en('The Sun Also Rises', ['Ernest Hemingway'], 1926, 'fiction'),
  en('Murder on the Orient Express', ['Agatha Christie'], 1934, 'mystery'),
  en('And Then There Were None', ['Agatha Christie'], 1939, 'mystery'),
  en('The Murder of Roger Ackroyd', ['Agatha Christie'], 1926, 'mystery'),
  en('Foundation', ['Isaac Asimov'], 1951, 'science-fiction'),
  en('I, Robot', ['Isaac Asimov'], 1950, 'science-fiction'),
  en('The Caves of Steel', ['Isaac Asimov'], 1954, 'science-fiction'),
  en('Frankenstein', ['Mary Shelley'], 1818, 'classics'),
  en('Jane Eyre', ['Charlotte Brontë'], 1847, 'classics'),
  en('Wuthering Heights', ['Emily Brontë'], 1847, 'classics'),
  en('Moby-Dick', ['Herman Melville'], 1851, 'classics'),
  en('The Adventures of Tom Sawyer', ['Mark Twain'], 1876, 'childrens-classics'),
  en('Adventures of Huckleberry Finn', ['Mark Twain'], 1884, 'classics'),
  en('The Great Gatsby', ['F. Scott Fitzgerald'], 1925, 'fiction'),
  en('To Kill a Mockingbird', ['Harper Lee'], 1960, 'fiction'),
  en('Brave New World', ['Aldous Huxley'], 1932, 'science-fiction'),
  en('The Catcher in the Rye', ['J.D. Salinger'], 1951, 'fiction'),
  en('Dune', ['Frank Herbert'], 1965, 'science-fiction'),
  en("The Hitchhiker's Guide to the Galaxy", ['Douglas Adams'], 1979, 'science-fiction'),
  en('The Adventures of Sherlock Holmes', ['Arthur Conan Doyle'], 1892, 'mystery'),
  en('The Hound of the Baskervilles', ['Arthur Conan Doyle'], 1902, 'mystery'),
  en("Alice's Adventures in Wonderland", ['Lewis Carroll'], 1865, 'childrens-classics'),
  en('Charlie and the Chocolate Factory', ['Roald Dahl'], 1964, 'childrens-classics'),
  en('Matilda', ['Roald Dahl'], 1988, 'childrens-classics'),
  en('The Lion, the Witch and the Wardrobe', ['C.S. Lewis'], 1950, 'fantasy'),
  en('Hamlet', ['William Shakespeare'], 1603, 'classics'),
  en('Romeo and Juliet', ['William Shakespeare'], 1597, 'classics'),
  en('Leaves of Grass', ['Walt Whitman'], 1855, 'classics'),
  en('The Time Machine', ['H.G. Wells'], 1895, 'science-fiction'),
  en('The War of the Worlds', ['H.G. Wells'], 1898, 'science-fiction'),
  en('Neuromancer', ['William Gibson'], 1984, 'science-fiction'),
  en('A Game of Thrones', ['George R.R. Martin'], 1996, 'fantasy'),
  en('The Da Vinci Code', ['Dan Brown'], 2003, 'mystery'),
  en('Gone Girl', ['Gillian Flynn'], 2012, 'mystery'),
  en('The Road', ['Cormac McCarthy'], 2006, 'fiction'),
  en("Charlotte's Web", ['E.B. White'], 1952, 'childrens-classics'),
  en('Where the Wild Things Are', ['Maurice Sendak'], 1963, 'picture-books'),
  en('The Very Hungry Caterpillar', ['Eric Carle'], 1969, 'picture-books'),
  en('The Hunger Games', ['Suzanne Collins'], 2008, 'young-adult'),
  en('Romance of the Three Kingdoms', ['罗贯中'], 1991, 'classics'),
  en('Journey to the West', ['吴承恩'], 1977, 'classics'),
  en('The Story of the Stone', ['曹雪芹'], 1973, 'classics'),
  en('To Live', ['余华'], 2003, 'fiction'),
  en('The Three-Body Problem', ['刘慈欣'], 2014, 'science-fiction'),
  en('A Brief History of Time', ['Stephen Hawking'], 1988, 'physics'),
  en('On the Origin of Species', ['Charles Darwin'], 1859, 'biology'),
  en('The Selfish Gene', ['Richard Dawkins'], 1976, 'biology'),
  en('Cosmos', ['Carl Sagan'], 1980, 'astronomy'),
  {
    ...en('Sapiens', ['Yuval Noah Harari'], 2014, 'world-history'),
    subtitle: 'A Brief History of Humankind',
  },
  en('Guns, Germs, and Steel', ['Jared Diamond'], 1997, 'world-history'),
  en('The Rise and Fall of the Third Reich', ['William L. Shirer'], 1960, 'world-history'),
  en('The Guns of August', ['Barbara W. Tuchman'], 1962, 'military-history'),
  en('The Diary of a Young Girl', ['Anne Frank'], 1952, 'biography'),
  en('Steve Jobs', ['Walter Isaacson'], 2011, 'biography'),
  en(
    'Structure and Interpretation of Computer Programs',
    ['Harold Abelson', 'Gerald Jay Sussman'],
    1985,
    'programming',
  ),
  en(
    'The C Programming Language',
    ['Brian W. Kernighan', 'Dennis M. Ritchie'],
    1978,
    'programming',
  ),
  {
    ...en(
      'Design Patterns',
      ['Erich Gamma', 'Richard Helm', 'Ralph Johnson', 'John Vlissides'],
      1994,
      'software-engineering',
    ),
    subtitle: 'Elements of Reusable Object-Oriented Software',
  },
  en('The Pragmatic Programmer', ['Andrew Hunt', 'David Thomas'], 1999, 'software-engineering'),
  en(
    'Introduction to Algorithms',
    ['Thomas H. Cormen', 'Charles E. Leiserson', 'Ronald L. Rivest', 'Clifford Stein'],
    1990,
    'programming',
  ),
  en('The Mythical Man-Month', ['Frederick P. Brooks Jr.'], 1975, 'software-engineering'),
  en('Designing Data-Intensive Applications', ['Martin Kleppmann'], 2017, 'databases'),
  en('Clean Code', ['Robert C. Martin'], 2008, 'software-engineering'),
  {
    ...en(
      'Artificial Intelligence',
      ['Stuart Russell', 'Peter Norvig'],
      1995,
      'artificial-intelligence',
    ),
    subtitle: 'A Modern Approach',
  },
  {
    ...en('The Art of Computer Programming', ['Donald E. Knuth'], 1968, 'programming'),
    subtitle: 'Volume 1: Fundamental Algorithms',
  },
  en('Meditations', ['Marcus Aurelius'], null, 'western-philosophy'),
  en('The Republic', ['Plato'], null, 'western-philosophy'),
  en('Beyond Good and Evil', ['Friedrich Nietzsche'], 1907, 'western-philosophy'),
  en('Thinking, Fast and Slow', ['Daniel Kahneman'], 2011, 'psychology'),
  en('The Wealth of Nations', ['Adam Smith'], 1776, 'economics'),
  en('The Intelligent Investor', ['Benjamin Graham'], 1949, 'finance'),
  en('Good to Great', ['Jim Collins'], 2001, 'management'),
  en('The Lean Startup', ['Eric Ries'], 2011, 'management'),
  en('The Story of Art', ['E.H. Gombrich'], 1950, 'painting'),
  en('Ways of Seeing', ['John Berger'], 1972, 'art'),
];

// ---------------------------------------------------------------- generated people

const ZH_SURNAMES = [
  ...'王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺毛郝顾龚邵万武钱严',
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '慕容',
];
const ZH_GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉建国志红梅海波晨宇轩浩然子涵欣怡雨萱梓思远嘉琪博文若曦一诺晓春秋云峰松岚雪松清',
];
const EN_FIRST = [
  'James',
  'Mary',
  'John',
  'Patricia',
  'Robert',
  'Jennifer',
  'Michael',
  'Linda',
  'William',
  'Elizabeth',
  'David',
  'Susan',
  'Richard',
  'Jessica',
  'Joseph',
  'Sarah',
  'Thomas',
  'Karen',
  'Charles',
  'Emily',
  'Daniel',
  'Margaret',
  'Matthew',
  'Laura',
  'Anthony',
  'Rachel',
  'Mark',
  'Hannah',
  'Paul',
  'Alice',
  'Andrew',
  'Grace',
  'Peter',
  'Clara',
  'George',
  'Olivia',
  'Edward',
  'Sophie',
  'Henry',
  'Charlotte',
  'Samuel',
  'Lucy',
  'Oliver',
  'Eleanor',
  'Benjamin',
  'Isabel',
  'Nathan',
  'Helen',
  'Adrian',
  'Naomi',
  'Simon',
  'Ruth',
  'Hugh',
  'Fiona',
  'Owen',
  'Catherine',
  'Julian',
  'Miriam',
  'Leo',
  'Zoe',
];
const EN_LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'Wilson',
  'Anderson',
  'Taylor',
  'Thomas',
  'Moore',
  'Martin',
  'Jackson',
  'Thompson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Walker',
  'Hall',
  'Allen',
  'Young',
  'King',
  'Wright',
  'Scott',
  'Green',
  'Baker',
  'Adams',
  'Nelson',
  'Carter',
  'Mitchell',
  'Roberts',
  'Turner',
  'Phillips',
  'Campbell',
  'Parker',
  'Evans',
  'Edwards',
  'Collins',
  'Stewart',
  'Morris',
  'Murphy',
  'Cook',
  'Rogers',
  'Morgan',
  'Cooper',
  'Reed',
  'Bailey',
  'Bell',
  'Hughes',
  'Price',
  'Bennett',
  'Wood',
  'Barnes',
  'Ross',
  'Henderson',
  'Coleman',
  'Jenkins',
  'Perry',
  'Fletcher',
  'Hayward',
  'Whitfield',
  'Ashworth',
  'Lindqvist',
  'Okafor',
  'Moreau',
  'Novak',
  'Kowalski',
  'Sato',
];

export function generatePersonName(random: Random, language: Language): string {
  if (language === 'zh') {
    const given =
      random() < 0.7 ? pick(random, ZH_GIVEN) + pick(random, ZH_GIVEN) : pick(random, ZH_GIVEN);
    return pick(random, ZH_SURNAMES) + given;
  }
  const initial = random() < 0.2 ? ` ${pick(random, [...'ABCDEFGHJKLMNPRSTW'])}.` : '';
  return `${pick(random, EN_FIRST)}${initial} ${pick(random, EN_LAST)}`;
}

const BIO = {
  zh: {
    cities: [
      '北京',
      '上海',
      '杭州',
      '成都',
      '西安',
      '广州',
      '南京',
      '武汉',
      '长沙',
      '昆明',
      '哈尔滨',
      '厦门',
    ],
    jobs: [
      '作家',
      '小说家',
      '历史学者',
      '大学教授',
      '记者',
      '工程师',
      '插画家',
      '编辑',
      '翻译家',
      '诗人',
    ],
  },
  en: {
    cities: [
      'London',
      'New York',
      'Toronto',
      'Sydney',
      'Dublin',
      'Boston',
      'Chicago',
      'Edinburgh',
      'Seattle',
      'Melbourne',
    ],
    jobs: [
      'Novelist',
      'Historian',
      'Journalist',
      'Software engineer',
      'Professor of philosophy',
      'Illustrator',
      'Editor',
      'Economist',
      'Poet',
    ],
  },
};

/** A one-line bio, or null for about half of the generated authors. */
export function generateBio(random: Random, language: Language): string | null {
  if (random() < 0.5) return null;
  const { cities, jobs } = BIO[language];
  return language === 'zh'
    ? `${pick(random, cities)}人，${pick(random, jobs)}，现居${pick(random, cities)}。`
    : `${pick(random, jobs)} based in ${pick(random, cities)}.`;
}

// ---------------------------------------------------------------- generated titles

export type Kind =
  | 'fiction'
  | 'wuxia'
  | 'scifi'
  | 'fantasy'
  | 'mystery'
  | 'children'
  | 'nonfiction';

const KIND_BY_LEAF: Record<string, Kind> = {
  wuxia: 'wuxia',
  'science-fiction': 'scifi',
  fantasy: 'fantasy',
  mystery: 'mystery',
};

/** What kind of title suits a category (leaf slug, or root slug for root-level books). */
export function kindOf(rootSlug: string, slug: string): Kind {
  if (KIND_BY_LEAF[slug]) return KIND_BY_LEAF[slug];
  if (rootSlug === 'literature') return 'fiction';
  if (rootSlug === 'children') return 'children';
  return 'nonfiction';
}

type Words = Record<string, readonly string[]>;
const w = (text: string): readonly string[] => text.split('|');

const ZH: Words = {
  adj: w(
    '春天的|远方的|沉默的|最后的|北方的|海边的|秋天的|寂静的|消失的|燃烧的|遥远的|温柔的|孤独的|漫长的|午夜的|雨中的|故乡的|失落的|永恒的|明亮的',
  ),
  noun: w(
    '城市|故事|记忆|河流|月光|少年|花园|灯火|旅人|山谷|岛屿|港口|钟声|森林|列车|星空|家园|玫瑰|时光|草原|风筝|影子|远方|信笺',
  ),
  place: w('长安|江南|北平|上海|西湖|黄河|塞北|岭南|姑苏|金陵|巴蜀|大漠|香港|台北|小镇|边城'),
  placeSuffix: w('往事|旧梦|风云|传|夜话|春秋|纪事|残阳|人家|岁月'),
  nounSuffix: w('的尽头|深处|之歌|的秘密|往事|纪事|的夏天|以北'),
  wuxiaA: w('寒江|天涯|孤城|飞雪|碧血|苍龙|明月|铁骑|江湖|大漠|风云|长河|青锋|断剑'),
  wuxiaB: w('剑影|刀客|侠客|夜雨|孤鸿|英雄|神鹰|剑歌|游龙|残阳|客栈|恩仇'),
  wuxiaSuffix: w('录|传|记|行||'),
  scifiA: w('星际|量子|银河|火星|深空|时间|未来|机器|光年|末日|零度|天穹'),
  scifiB: w('纪元|之门|迷航|计划|边缘|觉醒|信号|方舟|回声|坍缩|殖民地|黎明'),
  fantasyA: w('龙族|魔法|星辰|幻境|精灵|暗影|神殿|永夜|白塔|荆棘'),
  fantasyB: w('王座|之书|传说|王国|纪元|守护者|之心|远征|王冠|契约'),
  mysteryA: w('雾都|午夜列车|密室|雪夜山庄|钟楼|旧公寓|海边别墅|白夜|第七天|假面舞会'),
  mysteryB: w('谜案|疑案|杀人事件|的秘密|失踪者|的证词|之谜|疑云'),
  animal: w('熊|兔|狐狸|猫头鹰|企鹅|恐龙|象|老鼠|老虎|鸭|刺猬|松鼠'),
  animalStory: w('找妈妈|去旅行|睡不着|学飞翔|的生日|上学记|的新朋友|和月亮|过冬天|的大冒险'),
  kid: w('豆豆|米米|乐乐|小雨|点点|朵朵|皮皮|安安'),
  kidThing: w('神奇书包|魔法森林|秘密花园|星星|大冒险|彩虹伞|会飞的床|恐龙蛋'),
};

const EN: Words = {
  adj: w(
    'Silent|Hidden|Last|Broken|Golden|Distant|Forgotten|Burning|Quiet|Winter|Crimson|Lonely|Secret|Endless|Wild|Lost|Summer|Paper|Glass|Northern',
  ),
  noun: w(
    'River|Garden|House|Letter|Shadow|Kingdom|Harbour|Island|Promise|Mirror|Orchard|Lighthouse|Road|Storm|Daughter|Sea|City|Bridge|Night|Season',
  ),
  place: w(
    'Lisbon|Kyoto|Vienna|Edinburgh|the North|Blackwater|Ravensmoor|Shanghai|Marrakesh|the Valley|Brighton|Dublin|Havana|Hollow Creek',
  ),
  wuxiaA: w('Sword|Blade|Crane|Tiger|Jade|Iron|Wandering|White'),
  wuxiaB: w(
    'of the Jade Mountain|of the Southern Sect|in the Rain|of the Eastern Sea|and the Wanderer|of Heaven',
  ),
  scifiA: w(
    'Starfall|Quantum|Orbital|Red Planet|Deep Space|Neon|Terminal|Last Light|Singularity|Zero Point',
  ),
  scifiB: w('Protocol|Horizon|Station|Signal|Colony|Drift|Machine|Empire|Ark|Echo'),
  fantasyA: w('Dragon|Crown|Sword|Witch|Throne|Queen|Shadow|Thief|Oracle|Wolf'),
  fantasyB: w(
    'Eldoria|the North Wind|Ashes|the Ember Isles|Stormhold|Thornwood|the Hollow King|Seven Winters',
  ),
  mysteryA: w('Murder at|Death in|The Body in|The Vanishing at|A Killing in|The Secret of'),
  mysteryB: w(
    'the Vicarage|Blackwater Hall|the Library|Ravensmoor|the Orient Hotel|Hollow Creek|the Old Mill|Kyoto Station',
  ),
  animal: w('Fox|Bear|Rabbit|Owl|Penguin|Dragon|Elephant|Mouse|Tiger|Duck|Hedgehog|Squirrel'),
  animalStory: w(
    'Who Could Not Sleep|Who Lost Her Hat|Who Wanted to Fly|Who Found a Star|Who Said Sorry|Who Loved the Rain',
  ),
  kid: w('Lily|Max|Ollie|Mia|Sam|Ruby|Leo|Nora|Hannah|Clara|Edward|Julian|Miriam|Owen|Alice|Tom'),
  kidThing: w(
    'the Moon|the Magic Bicycle|the Rainy Day|the Secret Door|the Treehouse|the Dinosaur|the Paper Boat',
  ),
};

interface Subjects {
  zhTemplates: readonly string[];
  zh: readonly string[];
  enTemplates: readonly string[];
  en: readonly string[];
}

/** Non-fiction: templates ("{s}简史", "A History of {s}") filled with a subject of the root. */
const NONFICTION: Record<string, Subjects> = {
  history: {
    zhTemplates: w('{s}简史|{s}的故事|{s}十讲|图说{s}|{s}兴衰史|重读{s}'),
    zh: w(
      '中国古代|明朝|宋朝|唐朝|丝绸之路|罗马帝国|近代中国|大航海时代|冷战|奥斯曼帝国|敦煌|长城|江南市镇|拜占庭',
    ),
    enTemplates: w(
      'A History of {s}|The Rise and Fall of {s}|{s}: A New History|The Story of {s}|Rethinking {s}',
    ),
    en: w(
      'the Roman Empire|the Silk Road|Modern China|the Ming Dynasty|Medieval Europe|the Cold War|the Industrial Revolution|the Ottoman Empire|Ancient Egypt|the Tang Dynasty|the British Empire|the Renaissance',
    ),
  },
  science: {
    zhTemplates: w('{s}导论|{s}原理|{s}简史|图解{s}|{s}的奥秘|给大家的{s}|{s}十五讲'),
    zh: w(
      '量子力学|相对论|现代数学|数论|概率论|有机化学|进化论|遗传学|天文学|宇宙学|线性代数|微积分|生态学|神经科学',
    ),
    enTemplates: w(
      'Introduction to {s}|Principles of {s}|A History of {s}|The Elements of {s}|Understanding {s}|{s} for Everyone',
    ),
    en: w(
      'Quantum Mechanics|Modern Mathematics|Number Theory|Probability|Organic Chemistry|Evolution|Genetics|Astronomy|Cosmology|Linear Algebra|Calculus|Ecology|Neuroscience|Thermodynamics',
    ),
  },
  computing: {
    zhTemplates: w('深入理解{s}|{s}实战|{s}入门|{s}权威指南|{s}设计与实现|图解{s}|{s}核心技术'),
    zh: w(
      '分布式系统|数据库系统|操作系统|计算机网络|编译器|机器学习|深度学习|Rust|TypeScript|Go语言|PostgreSQL|Kubernetes|算法|数据结构|GraphQL',
    ),
    enTemplates: w(
      '{s} in Practice|Introduction to {s}|The Art of {s}|Understanding {s}|{s}: The Definitive Guide|Mastering {s}|{s} from Scratch',
    ),
    en: w(
      'Distributed Systems|Database Systems|Operating Systems|Computer Networks|Compilers|Machine Learning|Deep Learning|Rust|TypeScript|Go|PostgreSQL|Kubernetes|Algorithms|Data Structures|GraphQL|Functional Programming',
    ),
  },
  philosophy: {
    zhTemplates: w('{s}导论|{s}十讲|{s}的智慧|走进{s}|{s}简史|论{s}'),
    zh: w(
      '伦理学|存在主义|儒家思想|道家思想|逻辑学|形而上学|美学|心灵哲学|政治哲学|禅宗|斯多葛主义|认知心理学|幸福|自由',
    ),
    enTemplates: w(
      'Introduction to {s}|Essays on {s}|The Problem of {s}|On {s}|A Short History of {s}|{s} and the Good Life',
    ),
    en: w(
      'Ethics|Existentialism|Confucian Thought|Daoism|Logic|Metaphysics|Aesthetics|Mind|Political Philosophy|Stoicism|Free Will|Happiness|Justice|Memory',
    ),
  },
  art: {
    zhTemplates: w('{s}之美|{s}史|{s}鉴赏|图说{s}|{s}十讲|走进{s}'),
    zh: w('中国书法|文人画|宋瓷|园林|古典音乐|电影|摄影|建筑|敦煌壁画|版画|水墨|京剧'),
    enTemplates: w(
      'The Art of {s}|A History of {s}|Ways of Looking at {s}|Understanding {s}|{s}: A Visual History|The Story of {s}',
    ),
    en: w(
      'Chinese Calligraphy|Renaissance Painting|Photography|Architecture|Film|Classical Music|Jazz|Modern Art|Ceramics|Printmaking|Sculpture|Design',
    ),
  },
  business: {
    zhTemplates: w('{s}的逻辑|{s}实务|{s}原理|从零开始学{s}|{s}的本质|{s}通识课'),
    zh: w('管理学|经济学|金融学|投资|市场营销|谈判|创业|领导力|会计|供应链|品牌|行为经济学'),
    enTemplates: w(
      'Principles of {s}|The Logic of {s}|{s} Made Simple|The Essentials of {s}|Rethinking {s}|The New Rules of {s}',
    ),
    en: w(
      'Management|Economics|Finance|Investing|Marketing|Negotiation|Entrepreneurship|Leadership|Accounting|Supply Chains|Branding|Behavioral Economics',
    ),
  },
};

type TitleMaker = (random: Random, words: Words) => string;
const p = (random: Random, words: Words, key: string): string => pick(random, words[key] ?? ['']);

const TITLES: Record<Language, Record<Exclude<Kind, 'nonfiction'>, readonly TitleMaker[]>> = {
  zh: {
    fiction: [
      (r, x) => p(r, x, 'adj') + p(r, x, 'noun'),
      (r, x) => `${p(r, x, 'noun')}与${p(r, x, 'place')}`,
      (r, x) => p(r, x, 'place') + p(r, x, 'placeSuffix'),
      (r, x) => `${p(r, x, 'place')}的${p(r, x, 'noun')}`,
      (r, x) => p(r, x, 'noun') + p(r, x, 'nounSuffix'),
      (r, x) => p(r, x, 'place') + p(r, x, 'noun'),
      (r, x) => p(r, x, 'adj') + p(r, x, 'place'),
    ],
    wuxia: [(r, x) => p(r, x, 'wuxiaA') + p(r, x, 'wuxiaB') + p(r, x, 'wuxiaSuffix')],
    scifi: [(r, x) => p(r, x, 'scifiA') + p(r, x, 'scifiB')],
    fantasy: [(r, x) => p(r, x, 'fantasyA') + p(r, x, 'fantasyB')],
    mystery: [(r, x) => p(r, x, 'mysteryA') + p(r, x, 'mysteryB')],
    children: [
      (r, x) => `小${p(r, x, 'animal')}${p(r, x, 'animalStory')}`,
      (r, x) => `${p(r, x, 'kid')}的${p(r, x, 'kidThing')}`,
    ],
  },
  en: {
    fiction: [
      (r, x) => `The ${p(r, x, 'adj')} ${p(r, x, 'noun')}`,
      (r, x) => `A ${p(r, x, 'noun')} in ${p(r, x, 'place')}`,
      (r, x) => `The ${p(r, x, 'noun')} of ${p(r, x, 'place')}`,
      (r, x) => `${p(r, x, 'adj')} ${p(r, x, 'noun').replace(/y$/, 'ie')}s`,
      (r, x) => `The ${p(r, x, 'noun')}'s ${p(r, x, 'noun')}`,
      (r, x) => `The ${p(r, x, 'adj')} ${p(r, x, 'noun')} of ${p(r, x, 'place')}`,
      (r, x) => `${p(r, x, 'kid')}'s ${p(r, x, 'noun')}`,
    ],
    wuxia: [(r, x) => `The ${p(r, x, 'wuxiaA')} ${p(r, x, 'wuxiaB')}`],
    scifi: [
      (r, x) => `${p(r, x, 'scifiA')} ${p(r, x, 'scifiB')}`,
      (r, x) => `The ${p(r, x, 'scifiA')} ${p(r, x, 'scifiB')}`,
    ],
    fantasy: [(r, x) => `The ${p(r, x, 'fantasyA')} of ${p(r, x, 'fantasyB')}`],
    mystery: [(r, x) => `${p(r, x, 'mysteryA')} ${p(r, x, 'mysteryB')}`],
    children: [
      (r, x) => `The Little ${p(r, x, 'animal')} ${p(r, x, 'animalStory')}`,
      (r, x) => `${p(r, x, 'kid')} and ${p(r, x, 'kidThing')}`,
    ],
  },
};

const GENRE: Record<Language, Record<Exclude<Kind, 'nonfiction'>, string>> = {
  zh: {
    fiction: '长篇小说',
    wuxia: '武侠小说',
    scifi: '科幻小说',
    fantasy: '奇幻小说',
    mystery: '推理小说',
    children: '儿童故事',
  },
  en: {
    fiction: 'novel',
    wuxia: 'martial-arts adventure',
    scifi: 'science-fiction novel',
    fantasy: 'fantasy novel',
    mystery: 'mystery',
    children: 'children’s story',
  },
};
const THEMES = {
  zh: w('成长与告别|家族与命运|爱情与时代|友情与背叛|记忆与遗忘|理想与现实|故乡与远方|孤独与救赎'),
  en: w(
    'love and loss|growing up|family secrets|memory and forgetting|friendship and betrayal|ambition|home and exile|redemption',
  ),
};
const PRAISE = {
  zh: w('文字细腻，情节动人。|结构精巧，引人入胜。|入选多家媒体年度好书。|值得反复阅读。'),
  en: w(
    'Beautifully written and hard to put down.|A remarkable debut.|Shortlisted for several prizes.|Funny, moving and wise.',
  ),
};
const READERS = {
  zh: w('大学生|普通读者|专业人士|初学者|青少年'),
  en: w('students|general readers|practitioners|curious beginners'),
};
const SUBTITLES = {
  zh: {
    story: w('长篇小说|修订版|插图本|典藏版|短篇小说集'),
    nonfiction: w('修订版|第二版|第三版|插图本|通识读本|从入门到实践'),
  },
  en: {
    story: w('A Novel|Stories|A Novel|Book One|Collected Stories'),
    nonfiction: w(
      'Second Edition|Third Edition|A Practical Guide|A Beginner’s Guide|Selected Essays|An Illustrated History',
    ),
  },
};

export interface GeneratedTitle {
  title: string;
  subtitle: string | null;
  description: string;
}

/** A plausible title, optional subtitle and one- or two-sentence description. */
export function generateTitle(
  random: Random,
  language: Language,
  kind: Kind,
  rootSlug: string,
): GeneratedTitle {
  const subtitle =
    random() < 0.25
      ? pick(random, SUBTITLES[language][kind === 'nonfiction' ? 'nonfiction' : 'story'])
      : null;
  const subjects = NONFICTION[rootSlug];
  if (kind === 'nonfiction' && subjects) {
    const subject = pick(random, subjects[language]);
    const template = pick(random, language === 'zh' ? subjects.zhTemplates : subjects.enTemplates);
    const filled = template.replace('{s}', subject);
    const title = filled.charAt(0).toUpperCase() + filled.slice(1);
    const reader = pick(random, READERS[language]);
    const description =
      language === 'zh'
        ? `本书系统介绍了${subject}的基本概念与发展脉络，适合${reader}阅读。`
        : `A clear and engaging introduction to ${subject}, written for ${reader}.`;
    return { title, subtitle, description };
  }
  const story = kind === 'nonfiction' ? 'fiction' : kind;
  const title = pick(random, TITLES[language][story])(random, language === 'zh' ? ZH : EN);
  const theme = pick(random, THEMES[language]);
  const praise = random() < 0.5 ? pick(random, PRAISE[language]) : '';
  const description =
    language === 'zh'
      ? `一部关于${theme}的${GENRE.zh[story]}。${praise}`
      : `A ${GENRE.en[story]} about ${theme}.${praise ? ` ${praise}` : ''}`;
  return { title, subtitle, description };
}

/** Description of a real title (we do not invent plots for real books). */
export function describeRealBook(book: RealBook): string {
  if (book.language === 'zh') {
    const when = book.year === null ? '' : `，首次出版于${book.year}年`;
    return `${book.authors.join('、')}的代表作品之一${when}。`;
  }
  const when = book.year === null ? '' : `, first published in ${book.year}`;
  return `One of the best-known works of ${book.authors.join(', ')}${when}.`;
}

// ---------------------------------------------------------------- rows

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/** An ISO timestamp within the 3 years before `now`. */
export function pastTimestamp(random: Random, now: Date, years = 3): string {
  return new Date(now.getTime() - random() * years * YEAR_MS).toISOString();
}

/** A category books can be attached to, with its share of generated books. */
export interface CategoryChoice {
  id: number;
  rootSlug: string;
  slug: string;
  weight: number;
}

/** Roots keep 5% of their weight for books attached to the root itself; leaves share the rest. */
export function categoryChoices(ids: ReadonlyMap<string, number>): CategoryChoice[] {
  return CATEGORIES.flatMap((root) => [
    {
      id: ids.get(root.slug) ?? 0,
      rootSlug: root.slug,
      slug: root.slug,
      weight: root.weight * 0.05,
    },
    ...root.children.map((leaf) => ({
      id: ids.get(leaf.slug) ?? 0,
      rootSlug: root.slug,
      slug: leaf.slug,
      weight: (root.weight * 0.95) / root.children.length,
    })),
  ]);
}

export interface AuthorRow {
  name: string;
  bio: string | null;
  language: Language;
}

/** The real authors, then `generated` unique invented ones, alternately zh and en. */
export function authorRows(random: Random, generated: number): AuthorRow[] {
  const rows: AuthorRow[] = REAL_AUTHORS.map(([name, bio]) => ({
    name,
    bio,
    language: /^\p{Script=Han}/u.test(name) ? 'zh' : 'en',
  }));
  const names = new Set(rows.map((row) => row.name));
  while (rows.length < REAL_AUTHORS.length + generated) {
    const language: Language = rows.length % 2 === 0 ? 'zh' : 'en';
    const name = generatePersonName(random, language);
    if (names.has(name)) continue;
    names.add(name);
    rows.push({ name, bio: generateBio(random, language), language });
  }
  return rows;
}

export interface BookRow extends GeneratedTitle {
  isbn: string;
  language: Language;
  /** numeric(12, 2) as text, e.g. "39.90" */
  price: string;
  /** YYYY-MM-DD */
  publishedAt: string | null;
  categoryId: number;
  totalCopies: number;
  availableCopies: number;
  createdAt: string;
  /** In title-page order: book_author.position is the index. */
  authorIds: number[];
  publisher: string;
  pageCount: number;
  /** null for one book in twenty: a storefront must draw a book without a cover. */
  coverImageUrl: string | null;
}

const PUBLISHERS: Record<Language, readonly string[]> = {
  zh: ['人民文学出版社', '中华书局', '上海译文出版社', '作家出版社', '三联书店', '译林出版社'],
  en: ['Penguin Classics', 'Vintage', 'HarperCollins', "O'Reilly Media", 'Macmillan', 'Faber'],
};

/** Where the demo catalogue's covers would be served from (a reserved domain: nothing is). */
export const COVER_BASE_URL = 'https://covers.bookmall.example';

type Storefront = Pick<BookRow, 'publisher' | 'pageCount' | 'coverImageUrl'>;

/**
 * Publisher, page count and cover of a seeded book, drawn from a generator of its own seeded by
 * the ISBN: the seed's shared generator is not advanced, so every other seeded value (the
 * titles the relevance set is labelled on) stays as it was.
 */
export function storefrontOf(isbn: string, language: Language): Storefront {
  const random = mulberry32(Number(isbn.slice(-9)));
  return {
    publisher: pick(random, PUBLISHERS[language]),
    pageCount: between(random, 80, 900),
    coverImageUrl: random() < 0.05 ? null : `${COVER_BASE_URL}/${isbn}.jpg`,
  };
}

type Stock = Pick<BookRow, 'totalCopies' | 'availableCopies' | 'price' | 'createdAt'>;

/** 5% out of stock, 80% 1-6 copies, 15% 7-12; a price in 5.00-299.99 skewed low. */
function stock(random: Random, now: Date): Stock {
  const roll = random();
  const total = roll < 0.05 ? 0 : roll < 0.85 ? between(random, 1, 6) : between(random, 7, 12);
  const available = random() < 0.6 ? total : between(random, 0, total);
  const yuan = Math.min(299, 5 + Math.floor(295 * random() ** 2.2));
  const price = `${yuan}.${pick(random, ['00', '50', '80', '90', '99'])}`;
  return {
    totalCopies: total,
    availableCopies: available,
    price,
    createdAt: pastTimestamp(random, now),
  };
}

function dayIn(random: Random, year: number | null): string | null {
  if (year === null) return null;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${two(between(random, 1, 12))}-${two(between(random, 1, 28))}`;
}

export function realBookRow(
  n: number,
  book: RealBook,
  context: { random: Random; now: Date; categoryId: number; authorIds: number[] },
): BookRow {
  const { random, now, categoryId, authorIds } = context;
  return {
    isbn: isbnFor(n, book.language),
    title: book.title,
    subtitle: book.subtitle ?? null,
    description: describeRealBook(book),
    language: book.language,
    publishedAt: dayIn(random, book.year),
    categoryId,
    authorIds,
    ...stock(random, now),
    ...storefrontOf(isbnFor(n, book.language), book.language),
  };
}

/**
 * The n-th generated book: a weighted category, a language (wuxia is mostly zh), 1-3 authors
 * of that language and a publication year skewed towards recent ones.
 */
export function generatedBookRow(
  n: number,
  context: {
    random: Random;
    now: Date;
    categories: readonly CategoryChoice[];
    authors: Record<Language, readonly number[]>;
  },
): BookRow {
  const { random, now } = context;
  const category = pickWeighted(random, context.categories);
  const kind = kindOf(category.rootSlug, category.slug);
  const language: Language = random() < (kind === 'wuxia' ? 0.9 : 0.5) ? 'zh' : 'en';
  const pool = context.authors[language];
  const wanted = Math.min(pool.length, random() < 0.8 ? 1 : random() < 0.75 ? 2 : 3);
  const authorIds = new Set<number>();
  // The power skews towards the first authors: a few prolific ones, a long tail.
  while (authorIds.size < wanted)
    authorIds.add(pool[Math.floor(random() ** 1.3 * pool.length)] ?? 0);
  // Cubing skews towards recent years; nobody wrote about Rust in 1830.
  const oldest = category.rootSlug === 'computing' ? 1960 : 1800;
  const year = random() < 0.02 ? null : 2025 - Math.floor((2025 - oldest) * random() ** 3);
  return {
    isbn: isbnFor(n, language),
    ...generateTitle(random, language, kind, category.rootSlug),
    language,
    publishedAt: dayIn(random, year),
    categoryId: category.id,
    authorIds: [...authorIds],
    ...stock(random, now),
    ...storefrontOf(isbnFor(n, language), language),
  };
}

export interface MemberRow {
  name: string;
  email: string;
  role: 'MEMBER' | 'LIBRARIAN';
  maxActiveLoans: number;
  createdAt: string;
}

/** member0001@bookmall.test ... plus librarian1@ and librarian2@bookmall.test. */
export function memberRows(random: Random, count: number, now: Date): MemberRow[] {
  const width = Math.max(4, String(count).length);
  const members: MemberRow[] = Array.from({ length: count }, (_, i) => ({
    name: generatePersonName(random, random() < 0.5 ? 'zh' : 'en'),
    email: `member${String(i + 1).padStart(width, '0')}@bookmall.test`,
    role: 'MEMBER',
    maxActiveLoans: pick(random, [5, 5, 5, 5, 5, 5, 5, 3, 10, 10]),
    createdAt: pastTimestamp(random, now),
  }));
  const librarians = ['林静 Lin Jing', 'Thomas Reed'].map((name, i) => ({
    name,
    email: `librarian${i + 1}@bookmall.test`,
    role: 'LIBRARIAN' as const,
    maxActiveLoans: 20,
    createdAt: pastTimestamp(random, now),
  }));
  return [...members, ...librarians];
}
