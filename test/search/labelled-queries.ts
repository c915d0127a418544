import { isbnFor, REAL_BOOKS } from '../../src/db/seed-data.js';
import type { SearchKind } from '../../src/domain/search-query.js';

/**
 * What a reader types and the book they mean, over the seeded demo catalogue. `expected` is a
 * title, or several when any of them is a right answer (a query naming an author means any of
 * their books). `kind` is how the query should be read (the latency histogram's label).
 */
export interface LabelledQuery {
  query: string;
  expected: string | readonly string[];
  kind: SearchKind;
}

/** The ISBN the seed gives a real title (the n-th of REAL_BOOKS gets isbnFor(n)). */
export function seededIsbn(title: string): string {
  const n = REAL_BOOKS.findIndex((book) => book.title === title);
  const book = REAL_BOOKS[n];
  if (!book) throw new Error(`no real book titled ${title}`);
  return isbnFor(n, book.language);
}

/** 9787020002207 -> 978-7-0200-0220-7 */
const hyphenated = (isbn: string) =>
  `${isbn.slice(0, 3)}-${isbn.slice(3, 4)}-${isbn.slice(4, 8)}-${isbn.slice(8, 12)}-${isbn.slice(12)}`;

const TOLKIEN = [
  'The Hobbit',
  'The Lord of the Rings: The Fellowship of the Ring',
  'The Lord of the Rings: The Two Towers',
  'The Lord of the Rings: The Return of the King',
];
const HARRY_POTTER = [
  "Harry Potter and the Philosopher's Stone",
  'Harry Potter and the Chamber of Secrets',
  'Harry Potter and the Prisoner of Azkaban',
  'Harry Potter and the Goblet of Fire',
  'Harry Potter and the Deathly Hallows',
];
/** Every seeded real title that starts with the word "The". */
const THE_TITLES = REAL_BOOKS.filter((book) => /^The /.test(book.title)).map((book) => book.title);
const DICKENS = ['Great Expectations', 'A Tale of Two Cities', 'Oliver Twist', 'A Christmas Carol'];
const SHERLOCK = ['The Adventures of Sherlock Holmes', 'The Hound of the Baskervilles'];
const LUO_GUANZHONG = ['三国演义', 'Romance of the Three Kingdoms'];
const CAO_XUEQIN = ['红楼梦', 'The Story of the Stone'];
const LIU_CIXIN = [
  '流浪地球',
  '球状闪电',
  '三体',
  '三体II：黑暗森林',
  '三体III：死神永生',
  'The Three-Body Problem',
];

export const LABELLED_QUERIES: readonly LabelledQuery[] = [
  // Chinese: whole, partial, out of order, one character, authors.
  { query: '三国', expected: '三国演义', kind: 'chinese' },
  { query: '三国演义', expected: '三国演义', kind: 'chinese' },
  { query: '演义三国', expected: '三国演义', kind: 'chinese' },
  { query: '红楼', expected: '红楼梦', kind: 'chinese' },
  { query: '楼梦红', expected: '红楼梦', kind: 'chinese' },
  { query: '西游', expected: '西游记', kind: 'chinese' },
  { query: '水浒', expected: '水浒传', kind: 'chinese' },
  { query: '骆驼', expected: '骆驼祥子', kind: 'chinese' },
  { query: '黑暗森林', expected: '三体II：黑暗森林', kind: 'chinese' },
  { query: '活着', expected: '活着', kind: 'chinese' },
  { query: '家', expected: '家', kind: 'chinese' },
  { query: '明朝那些事', expected: '明朝那些事儿', kind: 'chinese' },
  { query: '哈利波特', expected: '哈利·波特与魔法石', kind: 'chinese' },
  { query: '魔法石', expected: '哈利·波特与魔法石', kind: 'chinese' },
  { query: '罗贯中', expected: LUO_GUANZHONG, kind: 'chinese' },
  { query: '曹雪芹', expected: CAO_XUEQIN, kind: 'chinese' },
  // Full pinyin, with or without spaces and tones.
  { query: 'sanguoyanyi', expected: '三国演义', kind: 'pinyin' },
  { query: 'san guo yan yi', expected: '三国演义', kind: 'pinyin' },
  { query: 'sān guó yǎn yì', expected: '三国演义', kind: 'pinyin' },
  { query: 'san1 guo2 yan3 yi4', expected: '三国演义', kind: 'pinyin' },
  { query: 'hongloumeng', expected: '红楼梦', kind: 'pinyin' },
  { query: 'xiyouji', expected: '西游记', kind: 'pinyin' },
  { query: 'luotuoxiangzi', expected: '骆驼祥子', kind: 'pinyin' },
  { query: 'wei cheng', expected: '围城', kind: 'pinyin' },
  { query: 'huozhe', expected: '活着', kind: 'pinyin' },
  { query: 'santi', expected: '三体', kind: 'pinyin' },
  { query: 'luo guan zhong', expected: LUO_GUANZHONG, kind: 'pinyin' },
  { query: 'cao xue qin', expected: CAO_XUEQIN, kind: 'pinyin' },
  { query: 'liucixin', expected: LIU_CIXIN, kind: 'pinyin' },
  // Pinyin initials.
  { query: 'sgyy', expected: '三国演义', kind: 'initials' },
  { query: 'hlm', expected: '红楼梦', kind: 'initials' },
  { query: 'xyj', expected: '西游记', kind: 'initials' },
  { query: 'shz', expected: '水浒传', kind: 'initials' },
  { query: 'ltxz', expected: '骆驼祥子', kind: 'initials' },
  { query: 'tlbb', expected: '天龙八部', kind: 'initials' },
  { query: 'sdxl', expected: '神雕侠侣', kind: 'initials' },
  { query: 'mcnxse', expected: '明朝那些事儿', kind: 'initials' },
  // English words, misspelt or not, stemmed.
  { query: 'harry poter', expected: "Harry Potter and the Philosopher's Stone", kind: 'english' },
  {
    query: 'philosopers stone',
    expected: "Harry Potter and the Philosopher's Stone",
    kind: 'english',
  },
  {
    query: 'harry potter goblet',
    expected: 'Harry Potter and the Goblet of Fire',
    kind: 'english',
  },
  { query: 'tolkein', expected: TOLKIEN, kind: 'english' },
  { query: 'the hobit', expected: 'The Hobbit', kind: 'english' },
  { query: 'lord of the rings', expected: TOLKIEN.slice(1), kind: 'english' },
  { query: 'pride and prejudise', expected: 'Pride and Prejudice', kind: 'english' },
  { query: 'sherlok holmes', expected: 'The Adventures of Sherlock Holmes', kind: 'english' },
  { query: 'hitchhikers guide', expected: "The Hitchhiker's Guide to the Galaxy", kind: 'english' },
  { query: 'great gatsby', expected: 'The Great Gatsby', kind: 'english' },
  { query: 'brave new wrold', expected: 'Brave New World', kind: 'english' },
  { query: 'frankenstien', expected: 'Frankenstein', kind: 'english' },
  { query: 'the selfish gene', expected: 'The Selfish Gene', kind: 'english' },
  {
    query: 'designing data intensive',
    expected: 'Designing Data-Intensive Applications',
    kind: 'english',
  },
  { query: 'kleppmann', expected: 'Designing Data-Intensive Applications', kind: 'english' },
  { query: 'orwel', expected: ['Nineteen Eighty-Four', 'Animal Farm'], kind: 'english' },
  {
    query: 'jane austin',
    expected: ['Pride and Prejudice', 'Sense and Sensibility', 'Emma'],
    kind: 'english',
  },
  // Written after the ranking was tuned on the queries above, and kept whatever they scored:
  // heteronyms, half-typed pinyin, title and author together, case and typography, subtitles.
  { query: 'zhxs', expected: '朝花夕拾', kind: 'initials' },
  { query: 'zhao hua xi shi', expected: '朝花夕拾', kind: 'pinyin' },
  { query: 'shuihuzhuan', expected: '水浒传', kind: 'pinyin' },
  { query: 'hongl', expected: '红楼梦', kind: 'pinyin' },
  { query: 'xiyo', expected: '西游记', kind: 'pinyin' },
  { query: '三体 刘慈欣', expected: '三体', kind: 'chinese' },
  { query: '鲁迅', expected: ['呐喊', '彷徨', '朝花夕拾'], kind: 'chinese' },
  { query: 'lu xun', expected: ['呐喊', '彷徨', '朝花夕拾'], kind: 'pinyin' },
  { query: 'tolkien hobbit', expected: 'The Hobbit', kind: 'english' },
  { query: 'HARRY POTTER', expected: HARRY_POTTER, kind: 'english' },
  {
    query: 'Harry Potter and the Philosopher’s Stone',
    expected: HARRY_POTTER[0]!,
    kind: 'english',
  },
  { query: 'jk rowling', expected: [...HARRY_POTTER, '哈利·波特与魔法石'], kind: 'english' },
  { query: 'three body problem', expected: 'The Three-Body Problem', kind: 'english' },
  { query: 'three kingdoms', expected: 'Romance of the Three Kingdoms', kind: 'english' },
  { query: 'brief history of humankind', expected: 'Sapiens', kind: 'english' },
  { query: 'a modern approach', expected: 'Artificial Intelligence', kind: 'english' },
  { query: 'dickins', expected: DICKENS, kind: 'english' },
  { query: 'sherlock', expected: SHERLOCK, kind: 'english' },
  { query: 'algoritms', expected: 'Introduction to Algorithms', kind: 'english' },
  // Written last and run once: nothing was tuned on these.
  { query: '倚天屠龙', expected: '倚天屠龙记', kind: 'chinese' },
  { query: '笑傲', expected: '笑傲江湖', kind: 'chinese' },
  { query: '许三观', expected: '许三观卖血记', kind: 'chinese' },
  { query: '撒哈拉', expected: '撒哈拉的故事', kind: 'chinese' },
  { query: '平凡世界', expected: '平凡的世界', kind: 'chinese' },
  { query: 'pingfandeshijie', expected: '平凡的世界', kind: 'pinyin' },
  { query: 'bailuyuan', expected: '白鹿原', kind: 'pinyin' },
  { query: 'xiangtu zhongguo', expected: '乡土中国', kind: 'pinyin' },
  { query: 'sun zi bing fa', expected: '孙子兵法', kind: 'pinyin' },
  { query: 'mo yan', expected: ['红高粱家族', '丰乳肥臀', '蛙'], kind: 'pinyin' },
  { query: 'yttlj', expected: '倚天屠龙记', kind: 'initials' },
  { query: 'wlswn', expected: '万历十五年', kind: 'initials' },
  { query: 'animal farm', expected: 'Animal Farm', kind: 'english' },
  { query: 'moby dick', expected: 'Moby-Dick', kind: 'english' },
  { query: 'wuthering hieghts', expected: 'Wuthering Heights', kind: 'english' },
  { query: 'charlote bronte', expected: 'Jane Eyre', kind: 'english' },
  { query: 'huckleberry fin', expected: 'Adventures of Huckleberry Finn', kind: 'english' },
  { query: 'mythical man month', expected: 'The Mythical Man-Month', kind: 'english' },
  {
    query: 'structure and interpretation',
    expected: 'Structure and Interpretation of Computer Programs',
    kind: 'english',
  },
  { query: 'thinking fast and slow', expected: 'Thinking, Fast and Slow', kind: 'english' },
  { query: 'kahneman', expected: 'Thinking, Fast and Slow', kind: 'english' },
  { query: 'romeo juliet', expected: 'Romeo and Juliet', kind: 'english' },
  { query: hyphenated(seededIsbn('活着')), expected: '活着', kind: 'isbn' },
  // Added with the storefront work (issue 12): a query of stop words only falls back to the
  // titles' words; a title holding the query's words outranks books matched by author only.
  { query: 'the', expected: THE_TITLES, kind: 'english' },
  { query: 'harry', expected: HARRY_POTTER, kind: 'initials' },
  { query: 'young', expected: 'The Diary of a Young Girl', kind: 'english' },
  // ISBNs, with or without hyphens.
  { query: hyphenated(seededIsbn('三国演义')), expected: '三国演义', kind: 'isbn' },
  {
    query: seededIsbn("Harry Potter and the Philosopher's Stone"),
    expected: "Harry Potter and the Philosopher's Stone",
    kind: 'isbn',
  },
  { query: hyphenated(seededIsbn('Dune')), expected: 'Dune', kind: 'isbn' },
  {
    query: seededIsbn('The Hobbit').replace(/^(\d{3})(\d)(\d{4})/, '$1 $2 $3 '),
    expected: 'The Hobbit',
    kind: 'isbn',
  },
];
